package io.sbtc.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as an operator uses it: exit codes and what is printed. */
class MainTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpAndVersion() {
    Run help = run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--web.listen-address"));
    Run version = run("--version");
    assertEquals(0, version.code());
    assertTrue(version.out().startsWith("sbtc-signer-exporter "));
  }

  @Test
  void checkConfigPrintsTheEffectiveConfigAndExitsZero() {
    Run r = run("--config", "examples/config.yml", "--check-config", "--web.listen-address", "0.0.0.0:9999");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("listen_address: \"0.0.0.0:9999\""), r.out());
    assertTrue(r.out().contains("interval: \"15s\""), r.out());
  }

  @Test
  void badConfigIsOneClearLineAndExitOne(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, "signer:\n  info_url: \"http://127.0.0.1:8801/info\"\n  timeout: 0s\n");
    Run r = run("--config", file.toString(), "--check-config");
    assertEquals(1, r.code());
    assertEquals("sbtc-signer-exporter: " + file + ": signer.timeout: must be > 0 (got \"0s\")\n", r.err());
  }

  /**
   * An operator fixing a config wants every problem in one run, not one per attempt: problems in
   * different sections, two in one section, a list entry and an unknown top-level key are all
   * listed, one line each, and a section with a problem does not hide the next section's.
   */
  @Test
  void checkConfigReportsEveryProblemOfTheFileAtOnce(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, """
        listen_address: "localhost"
        signer:
          metrics_url: "http://127.0.0.1:9184/metrics"
          timeout: 0s
          interval: soon
        bitcoin:
          rpc_url: "http://127.0.0.1:8332"
          cookie_file: /var/lib/bitcoind/.cookie
          rpc_user: exporter
        logs:
          - {component: signer, path: /var/log/sbtc-signer}
          - {component: stacks-node, source: journald, unit: stacks-node.service}
        stacks:
          rpc_url: "http://127.0.0.1:20443"
        backup:
          path: /var/backups
        """);
    Run r = run("--config", file.toString(), "--check-config");
    assertEquals(1, r.code());
    assertEquals("", r.out());
    String at = "sbtc-signer-exporter: " + file + ": ";
    assertEquals(String.join("\n",
        at + "listen_address: must be host:port like 127.0.0.1:10184 (got \"localhost\")",
        at + "signer.interval: must be a duration like 500ms, 15s, 5m, 26h or 7d (got \"soon\")",
        at + "signer.timeout: must be > 0 (got \"0s\")",
        at + "logs[0].pattern: is required (a file name glob like \"signer.log*\")",
        at + "bitcoin.cookie_file: set either cookie_file or rpc_user with a password, not both",
        at + "backup: unknown key") + "\n", r.err());
  }

  @Test
  void missingConfigFileNamesTheFile() {
    Run r = run("--config", "/nonexistent/config.yml");
    assertEquals(1, r.code());
    assertEquals("sbtc-signer-exporter: /nonexistent/config.yml: cannot read the config file (NoSuchFileException)\n", r.err());
  }

  @Test
  void unknownFlagAndNoConfig() {
    assertEquals(2, run("--web.listen-adress", "x").code());
    Run none = run();
    assertEquals(2, none.code());
    assertTrue(none.err().contains("--demo"));
  }

  @Test
  void checkConfigNeverPrintsTheCredentialsOfAUrl(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, "signer:\n  metrics_url: \"http://scrape:planted-secret-42@127.0.0.1:9184/metrics\"\n");
    Run r = run("--config", file.toString(), "--check-config");
    assertEquals(0, r.code());
    assertFalse(r.out().contains("planted-secret-42"));
    assertFalse(r.err().contains("planted-secret-42"));
  }
}
