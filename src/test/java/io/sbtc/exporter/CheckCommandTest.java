package io.sbtc.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sbtc.exporter.MainTest.Run;
import io.sbtc.exporter.check.Checklist;
import io.sbtc.exporter.check.Item;
import io.sbtc.exporter.check.JsonReport;
import io.sbtc.exporter.check.TextReport;
import io.sbtc.exporter.log.LogSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} as an operator runs it on the day they set up a signer: the report and the exit status. */
@Timeout(60)
class CheckCommandTest {
  @TempDir
  Path dir;

  /** check sets the process's log level to error; later tests in this JVM expect the default. */
  @AfterAll
  static void restoreLogging() {
    LogSetup.configure(Level.INFO, LogSetup.Format.LOGFMT);
  }

  static Run run(String... args) {
    return MainTest.run(args);
  }

  /** The report's line for an item: "state    id  runbook  fact". */
  static String line(Run r, String id) {
    return r.out().lines().filter(l -> l.matches("^[a-z]+ +" + id + " .*")).findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + id + " in:\n" + r.out()));
  }

  @Test
  void againstTheDemoEveryItemIsReportedAndNothingFails() {
    Run r = run("check", "--demo");
    assertEquals(0, r.code(), r.out() + r.err());
    for (Item item : Checklist.ITEMS) {
      line(r, item.id());
    }
    assertTrue(line(r, "signer-metrics").startsWith("pass "), r.out());
    assertTrue(line(r, "bitcoin-node").startsWith("pass "), r.out());
    assertTrue(line(r, "versions").matches("pass +versions +docs/runbooks.md#sbtcversionbelowminimum +.*bitcoind 28\\.1\\.0 \\(minimum 25\\.0\\).*"),
        line(r, "versions"));
    assertTrue(line(r, "two-factor").matches("manual +two-factor +docs/check.md#two-factor +ask: Does every way into this host .*\\?"),
        line(r, "two-factor"));
    assertTrue(line(r, "ssh").contains("add audit.ssh"), "an unknown item says which section to add");
    assertTrue(r.out().lines().anyMatch(l -> l.matches("0 fail, 0 warn, \\d+ pass, \\d+ unknown, 5 manual: exit 0")), r.out());
    assertFalse(r.out().contains("\u001b["), "no colour when the output is not a terminal");
    assertEquals(Level.SEVERE, Logger.getLogger("").getLevel(), "the report says which sources failed; their warnings stay off stderr");
  }

  @Test
  void aWorldReadableKeyFileFailsTheCheckAndNamesTheItem() throws IOException {
    Path key = Files.writeString(dir.resolve("signer-config.toml"), "[signer]\nprivate_key = \"not a real key\"\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Path config = Files.writeString(dir.resolve("config.yml"), """
        audit:
          files:
            - path: "%s"
        """.formatted(key));
    Run r = run("check", "--config", config.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(line(r, "key-files").matches("fail +key-files +docs/runbooks.md#sbtcauditfilepermissions +" + key + ": mode 0644, allowed 0600"),
        line(r, "key-files"));
    assertFalse(r.out().contains("not a real key"), "the audit reads the mode, never the contents");

    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Run fixed = run("check", "--config", config.toString());
    assertEquals(0, fixed.code(), fixed.out());
    assertTrue(line(fixed, "key-files").startsWith("pass "), fixed.out());
  }

  @Test
  void aStaleBackupFailsTheCheckWithItsAgeAndLimit() throws IOException {
    Path backups = Files.createDirectories(dir.resolve("backups"));
    Path dump = Files.writeString(backups.resolve("signer-20261129.dump"), "x".repeat(4096));
    Files.setLastModifiedTime(dump, FileTime.from(Instant.now().minus(Duration.ofHours(31))));
    Path config = Files.writeString(dir.resolve("config.yml"), """
        backups:
          - name: signer-db
            path: "%s"
            pattern: "signer-*.dump"
            max_age: 26h
        """.formatted(backups));
    Run r = run("check", "--config", config.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(line(r, "backup-fresh").matches(
        "fail +backup-fresh +docs/runbooks.md#sbtcbackuptooold +signer-db: newest backup 31 h old, limit 26 h"), line(r, "backup-fresh"));
    assertTrue(r.out().lines().anyMatch(l -> l.matches("1 fail, .*: exit 1")), r.out());
  }

  @Test
  void aBrokenConfigExitsTwoWithOneLineNamingFileAndKey() throws IOException {
    Path config = Files.writeString(dir.resolve("config.yml"), "backups:\n  - name: signer-db\n    path: /var/backups\n    max_age: soon\n");
    Run r = run("check", "--config", config.toString());
    assertEquals(2, r.code(), r.out());
    assertEquals("", r.out());
    assertTrue(r.err().matches("sbtc-signer-exporter: " + config + ": backups\\[0\\]\\.max_age: [^\n]*\n"), r.err());

    assertEquals(2, run("check", "--config", dir.resolve("missing.yml").toString()).code(), "a config file that is not there");
    assertEquals(2, run("check").code(), "no config at all");
    assertEquals(2, run("check", "--demo", "--output", "yaml").code());
    assertEquals(2, run("--demo", "--output", "json").code(), "--output without check");
    assertEquals(2, run("check", "--demo", "--check-config").code());
  }

  @Test
  void jsonHasTheDocumentedShape() throws IOException {
    Run r = run("check", "--demo", "--output", "json");
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode root = new ObjectMapper().readTree(r.out());
    assertEquals(List.of("schema", "exporter_version", "checked_at", "exit_code", "summary", "items"), fields(root));
    assertEquals(JsonReport.SCHEMA, root.path("schema").asText());
    assertEquals(0, root.path("exit_code").asInt());
    assertEquals(List.of("fail", "warn", "unknown", "pass", "manual"), fields(root.path("summary")));
    assertTrue(Instant.parse(root.path("checked_at").asText()).isAfter(Instant.now().minusSeconds(120)));
    List<String> ids = new ArrayList<>();
    int total = 0;
    for (JsonNode item : root.path("items")) {
      assertEquals(List.of("id", "practice", "title", "state", "fact", "hint", "runbook_url", "metrics", "alerts"), fields(item));
      assertTrue(item.path("runbook_url").asText().startsWith("https://github.com/sbtc-signer-exporter/sbtc-signer-exporter/blob/main/docs/"));
      assertTrue(item.path("metrics").isArray() && item.path("alerts").isArray());
      assertEquals(item.path("state").asText().equals("manual") || item.path("state").asText().equals("unknown"), !item.path("hint").isNull(),
          item.path("id").asText() + ": a hint exactly when there is something to add or to answer");
      ids.add(item.path("id").asText());
    }
    for (JsonNode n : root.path("summary")) {
      total += n.asInt();
    }
    assertEquals(Checklist.ITEMS.stream().map(Item::id).toList(), ids);
    assertEquals(ids.size(), total);
  }

  @Test
  void colourOnlyOnATerminalAndNeverWithNoColor() {
    assertTrue(TextReport.colour(true, null));
    assertTrue(TextReport.colour(true, ""), "NO_COLOR set to the empty string does not count (no-color.org)");
    assertFalse(TextReport.colour(true, "1"));
    assertFalse(TextReport.colour(false, null));
  }

  @Test
  void secretsNeverReachTheReport() throws IOException {
    String secret = "planted-check-secret-7311";
    Path passwordFile = Files.writeString(dir.resolve("rpc.password"), secret + "\n");
    Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path config = Files.writeString(dir.resolve("config.yml"), """
        bitcoin:
          rpc_url: "http://127.0.0.1:%1$d"
          rpc_user: exporter
          rpc_password_file: "%2$s"
          timeout: 1s
        signer_db:
          url: "postgresql://sbtc_exporter@127.0.0.1:%1$d/signer"
          password_file: "%2$s"
          timeout: 2s
        """.formatted(closed, passwordFile));
    for (String output : List.of("text", "json")) {
      Run r = run("check", "--config", config.toString(), "--output", output);
      assertEquals(1, r.code(), r.out() + r.err());
      assertFalse((r.out() + r.err()).contains(secret), r.out() + r.err());
      assertTrue(r.out().contains("127.0.0.1:" + closed) || r.out().contains("connect"), r.out());
    }
  }

  private static List<String> fields(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
