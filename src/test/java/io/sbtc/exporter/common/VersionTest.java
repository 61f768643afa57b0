package io.sbtc.exporter.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.common.Version;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionTest {

  static String v(Optional<Version> version) {
    return version.map(Version::toString).orElse("(none)");
  }

  @Test
  void readsTheStringsTheComponentsReallyReport() {
    assertEquals("27.1.0", v(Version.fromBitcoinSubversion("/Satoshi:27.1.0/")));
    assertEquals("28.0rc1", v(Version.fromBitcoinSubversion("/Satoshi:28.0rc1/")));
    assertEquals("27.1.0", v(Version.fromBitcoinSubversion("/Satoshi:27.1.0/Knots:20240801/")));
    assertEquals("(none)", v(Version.fromBitcoinSubversion("/btcwire:0.5.0/btcd:0.24.0/")));
    assertEquals("3.1.0.0.5", v(Version.fromStacksServerVersion(
        "stacks-node 3.1.0.0.5 (release/3.1.0.0.5:5e4c8a9, release build, linux [x86_64])")));
    // stacks-core 4.x: a three-part version and no branch (stackslib/src/lib.rs:99-106 at 4.0.2); still newer than 3.4.0.0.4
    assertEquals("4.0.2", v(Version.fromStacksServerVersion("stacks-node 4.0.2 (1b57c3fb67, release build, linux [x86_64])")));
    assertTrue(Version.fromStacksServerVersion("stacks-node 4.0.2 (1b57c3fb67, release build, linux [x86_64])").orElseThrow()
        .compareTo(Version.parse("3.4.0.0.4").orElseThrow()) > 0);
    assertEquals("(none)", v(Version.fromStacksServerVersion("stacks-node (develop:abc, debug build, linux [x86_64])")));
    assertEquals("16.4", v(Version.fromPostgres("16.4 (Debian 16.4-1.pgdg120+1)")));
    assertEquals("1.2.1", v(Version.parse("v1.2.1")));
    assertEquals("(none)", v(Version.parse("7c2e9f41b0d3a58e6f1c24b97a0d5e83f6b1c9a2")));
  }

  @Test
  void ordersNumericallyWithReleaseCandidatesBelowTheirRelease() {
    assertTrue(Version.parse("25.0").orElseThrow().compareTo(Version.parse("25").orElseThrow()) == 0);
    assertTrue(Version.parse("24.2").orElseThrow().compareTo(Version.parse("25.0").orElseThrow()) < 0);
    assertTrue(Version.parse("3.1.0.0.10").orElseThrow().compareTo(Version.parse("3.1.0.0.9").orElseThrow()) > 0);
    assertTrue(Version.parse("28.0rc1").orElseThrow().compareTo(Version.parse("28.0").orElseThrow()) < 0);
  }
}
