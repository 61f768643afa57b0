package io.sbtc.exporter.source.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operators' checklist: key files not readable by others, nothing but P2P and SSH facing the network. */
class AuditTest {
  @TempDir
  Path dir;

  @Test
  void secretsShowWhenTheyWereLastWrittenAndTheirRotationPeriodWithoutBeingRead() throws Exception {
    // A Kubernetes secret volume: the file is a link into ..data, whose target the kubelet replaces on
    // every update; the target's time is when the secret was last rotated, the link's says nothing.
    Path data = Files.createDirectories(dir.resolve("..2026_01_02_03_04_05.123"));
    Path target = Files.writeString(data.resolve("signer-db.password"), "not a real password");
    Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-01-02T03:04:05Z")));
    Path password = Files.createSymbolicLink(dir.resolve("signer-db.password"), target);
    // A named pipe: opening it to read would block the audit, so a reading it answers proves no one opened it.
    Path pipe = dir.resolve("rpc.password");
    assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
    // Not Files.setLastModifiedTime: the JDK opens the file to set its times, and opening a pipe blocks.
    assertEquals(0, new ProcessBuilder("touch", "-m", "-d", "2025-06-01T00:00:00Z", pipe.toString()).start().waitFor());
    String yaml = """
        audit:
          interval: 1s
          timeout: 1s
          files:
            - path: "%s"
              max_mode: "0777"
              max_age: 90d
            - path: "%s"
              max_age: 30d
            - path: "%s/missing.key"
              max_age: 30d
        """.formatted(password, pipe, dir);
    try (RunningExporter exporter = RunningExporter.start(yaml).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"audit_files\"}"));
      assertEquals(1767323045.0, s.get("sbtc_audit_file_modified_timestamp_seconds{path=\"" + password + "\"}"), "2026-01-02T03:04:05Z");
      assertEquals(7776000.0, s.get("sbtc_audit_file_max_age_seconds{path=\"" + password + "\"}"), "90 days");
      assertEquals(1748736000.0, s.get("sbtc_audit_file_modified_timestamp_seconds{path=\"" + pipe + "\"}"), "2025-06-01T00:00:00Z");
      assertEquals(2592000.0, s.get("sbtc_audit_file_max_age_seconds{path=\"" + pipe + "\"}"), "30 days");
      // A missing secret has no age (the alert would otherwise read it as rotated at 1970); the mode check reports it.
      assertFalse(s.has("sbtc_audit_file_modified_timestamp_seconds{path=\"" + dir + "/missing.key\"}"));
      assertEquals(0.0, s.get("sbtc_audit_file_mode_ok{path=\"" + dir + "/missing.key\"}"));

      // A rotation is seen at the next poll.
      Files.writeString(target, "rotated");
      double rotated = Files.getLastModifiedTime(target).toMillis() / 1000.0;
      exporter.awaitScrape(x -> x.get("sbtc_audit_file_modified_timestamp_seconds{path=\"" + password + "\"}") == rotated, Duration.ofSeconds(10));
    }
  }

  @Test
  void keyReadableByOthersFailsAndAPrivateOnePasses() throws Exception {
    Path key = Files.writeString(dir.resolve("signer.key"), "not a real key");
    Path config = Files.writeString(dir.resolve("signer-config.toml"), "[signer]");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    String yaml = """
        audit:
          interval: 1s
          files:
            - path: "%s"
              max_mode: "0600"
            - path: "%s"
              max_mode: "0600"
              owner: root
            - path: "%s/missing.key"
        """.formatted(key, config, dir);
    try (RunningExporter exporter = RunningExporter.start(yaml).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get("sbtc_audit_file_mode_ok{path=\"" + key + "\"}"));
      assertEquals(420.0, s.get("sbtc_audit_file_mode{path=\"" + key + "\"}"), "0644");
      assertEquals(1.0, s.get("sbtc_audit_file_mode_ok{path=\"" + config + "\"}"));
      assertEquals(0.0, s.get("sbtc_audit_file_mode_ok{path=\"" + dir + "/missing.key\"}"));
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"audit_files\"}"));
      assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"other\",source=\"audit_files\"}"), "the missing file");

      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
      exporter.awaitScrape(x -> x.get("sbtc_audit_file_mode_ok{path=\"" + key + "\"}") == 1.0, Duration.ofSeconds(10));
    }
  }

  /**
   * Kubernetes mounts a Secret as links (key -> ..data/key -> ..2026_11_30/key); a link's own mode is
   * 0777, so auditing the link instead of its target paged on every such mount and never saw the key.
   */
  @Test
  void aLinkIsJudgedByTheFileItPointsTo() throws Exception {
    Path data = Files.createDirectories(dir.resolve("..2026_11_30"));
    Path privateKey = Files.writeString(data.resolve("signer.key"), "not a real key");
    Path openConfig = Files.writeString(data.resolve("signer-config.toml"), "[signer]");
    Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(openConfig, PosixFilePermissions.fromString("rw-r--r--"));
    Path keyLink = Files.createSymbolicLink(dir.resolve("signer.key"), privateKey);
    Path configLink = Files.createSymbolicLink(dir.resolve("signer-config.toml"), openConfig);
    String yaml = """
        audit:
          interval: 1s
          files:
            - path: "%s"
              max_mode: "0600"
            - path: "%s"
              max_mode: "0600"
        """.formatted(keyLink, configLink);
    try (RunningExporter exporter = RunningExporter.start(yaml).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get("sbtc_audit_file_mode_ok{path=\"" + keyLink + "\"}"), s.body());
      assertEquals(384.0, s.get("sbtc_audit_file_mode{path=\"" + keyLink + "\"}"), "0600, the target's mode");
      assertEquals(0.0, s.get("sbtc_audit_file_mode_ok{path=\"" + configLink + "\"}"), "a link to a 0644 file");
      assertEquals(420.0, s.get("sbtc_audit_file_mode{path=\"" + configLink + "\"}"));
    }
  }

  @Test
  void listenersOnPublicAddressesOutsideTheAllowedPortsAreReported() throws Exception {
    Path tcp = Files.writeString(dir.resolve("tcp"), Fixtures.text("audit/proc-net-tcp"));
    Path tcp6 = Files.writeString(dir.resolve("tcp6"), Fixtures.text("audit/proc-net-tcp6"));
    String yaml = """
        audit:
          interval: 1s
          listeners:
            allowed_public_ports: [4122, 22]
            proc_net_files: ["%s", "%s"]
        """.formatted(tcp, tcp6);
    try (RunningExporter exporter = RunningExporter.start(yaml).awaitReady()) {
      Scrape s = exporter.scrape();
      // 4122 (signer P2P) and 22 are allowed; 10176 on loopback, 8336 (v4-mapped 127.0.0.1) are private.
      assertEquals(List.of(
              "sbtc_audit_public_listener{address=\"0.0.0.0\",port=\"8081\"} 1.0",
              "sbtc_audit_public_listener{address=\"10.0.0.10\",port=\"5432\"} 1.0",
              "sbtc_audit_public_listener{address=\"::\",port=\"20379\"} 1.0"),
          s.lines("sbtc_audit_public_listener{"));
      assertEquals(3.0, s.get("sbtc_audit_public_listeners_unexpected"));
    }
  }

  @Test
  void liveSocketsOfThisHostAreRead() throws Exception {
    try (ServerSocket exposed = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"));
        ServerSocket local = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String yaml = "audit:\n  interval: 1s\n  listeners:\n    allowed_public_ports: [22]\n";
      try (RunningExporter exporter = RunningExporter.start(yaml).awaitReady()) {
        Scrape s = exporter.scrape();
        // Java binds 0.0.0.0 as a dual-stack socket, which the kernel lists in tcp6 as ::
        assertTrue(s.lines("sbtc_audit_public_listener{").stream().anyMatch(l -> l.contains("port=\"" + exposed.getLocalPort() + "\"")),
            s.body());
        assertFalse(s.body().contains("port=\"" + local.getLocalPort() + "\""), "loopback is private");
      }
    }
  }
}
