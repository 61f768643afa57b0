package io.sbtc.exporter.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What sbtc_exporter_config_last_reload_* say after the reloads an operator and a certificate rotation cause. */
class ConfigReloadsTest {
  static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void aFailedReloadKeepsTheTimeOfTheLastSuccessAndTheNextGoodOneMovesIt() {
    ConfigReloads failed = ConfigReloads.startedAt(START).reloaded(false, START.plusSeconds(60));
    assertFalse(failed.lastSuccessful());
    assertEquals(START, failed.lastSuccess());
    ConfigReloads fixed = failed.reloaded(true, START.plusSeconds(120));
    assertTrue(fixed.lastSuccessful());
    assertEquals(START.plusSeconds(120), fixed.lastSuccess());
  }

  /** A certificate that changed and could not be loaded is not hidden by a config reload that failed or by one that did not read it. */
  @Test
  void aBrokenWebConfigStaysVisibleUntilItLoads() {
    ConfigReloads brokenCert = ConfigReloads.startedAt(START).webConfigReloaded(false, START.plusSeconds(10));
    assertFalse(brokenCert.lastSuccessful());
    assertFalse(brokenCert.reloaded(false, START.plusSeconds(20)).lastSuccessful());
    ConfigReloads certFixed = brokenCert.webConfigReloaded(true, START.plusSeconds(30));
    assertTrue(certFixed.lastSuccessful());
    assertEquals(START.plusSeconds(30), certFixed.lastSuccess());
  }

  /** A good web config reload does not make a config file that failed to load look applied. */
  @Test
  void aGoodWebConfigReloadDoesNotHideABrokenConfigFile() {
    ConfigReloads brokenFile = ConfigReloads.startedAt(START).reloaded(false, START.plusSeconds(10));
    ConfigReloads certRotated = brokenFile.webConfigReloaded(true, START.plusSeconds(20));
    assertFalse(certRotated.lastSuccessful());
    assertEquals(START, certRotated.lastSuccess());
  }
}
