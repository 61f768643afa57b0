package io.sbtc.exporter.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.ListenAddress;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --check-config} prints a config that loads back to the same config (issue 15: it printed
 * {@code audit: schedule:}, which the loader refuses, and {@code max_mode: 420} for 0644). The
 * printout is what the loader recorded while reading, so this holds for every key a reader asks for;
 * the shipped configs are round-tripped in their own tests (deploy/).
 */
class ConfigRoundTripTest {
  static final String RPC_PASSWORD = "rpc-password-from-env-5c1e";
  static final String TOKEN = "token-from-file-9a0b";
  static final String SCRAPE_PASSWORD = "scrape-password-from-env-77d3";
  static final Map<String, String> ENV = Map.of(
      "BTC_RPC_PASSWORD", RPC_PASSWORD,
      "SIGNER_HOST", "10.0.0.5",
      "SCRAPE_USER", "prometheus",
      "SCRAPE_PASSWORD", SCRAPE_PASSWORD);

  @TempDir
  Path dir;

  /** Every section and nearly every key, most of them away from their defaults. */
  String full() throws IOException {
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Path db = Files.writeString(dir.resolve("db"), "db-password\n");
    Path scratch = Files.writeString(dir.resolve("scratch"), "scratch-password\n");
    Path ca = Files.writeString(dir.resolve("ca.pem"), "not parsed at load\n");
    return """
        listen_address: "0.0.0.0:10184"
        signer:
          metrics_url: "http://${SCRAPE_USER}:${SCRAPE_PASSWORD}@${SIGNER_HOST}:9184/metrics"
          info_url: "https://${SIGNER_HOST}:8801/info"
          interval: 90s
          timeout: 2500ms
          relay_prefix: "signer_"
          max_body_size: 512KiB
          tls_ca_file: "%1$s"
        audit:
          interval: 5m
          files:
            - {path: /etc/sbtc-signer/signer-config.toml, max_mode: "0640", owner: sbtc-signer}
            - {path: "/etc/dollar$$dir/key"}
          listeners:
            allowed_public_ports: [4122, "22"]
            proc_net_files: [/proc/net/tcp]
        logs:
          - {component: signer, path: /var/log/sbtc-signer, pattern: "signer.log*", format: json, min_retention: 14d, max_silence: 15m}
          - {component: stacks-node, source: journald, unit: stacks-node.service, journalctl: /usr/bin/journalctl, interval: 2m}
        bitcoin:
          rpc_url: "http://127.0.0.1:18332"
          rpc_user: exporter
          rpc_password: "${BTC_RPC_PASSWORD}"
          interval: 30s
        stacks:
          interval: 20s
          timeout: 3s
        versions:
          minimum: {bitcoind: "25.0", stacks_node: "3.1.0.0.5", signer: "1.0.0", postgres: "15"}
          release_feed:
            interval: 12h
            repos: {signer: "example/sbtc"}
            token_file: "%2$s"
        signer_db:
          url: "jdbc:postgresql://db.internal:5433/signer?user=sbtc_exporter&sslmode=verify-full"
          password_file: "%3$s"
          interval: 2m
        backups:
          - name: signer-db
            path: /var/backups/signer
            pattern: "signer-*.dump"
            max_age: 1d2h
            min_size: 1MB
            verify:
              scratch_url: "postgresql://sbtc_verifier@127.0.0.1:5434/postgres"
              password_file: "%4$s"
              timeout: 20m
              settle_time: 10s
              pg_restore: /usr/lib/postgresql/16/bin/pg_restore
        """.formatted(ca, token, db, scratch);
  }

  static ExporterConfig parse(String yaml) {
    return ConfigLoader.parse("test.yml", yaml, ENV::get);
  }

  @Test
  void theFullConfigPrintsAsAConfigThatLoadsBackTheSame() throws IOException {
    ExporterConfig config = parse(full());
    String printed = ConfigPrinter.toYaml(config);
    ExporterConfig again = parse(printed);
    assertEquals(config, again, printed);
    assertEquals(printed, ConfigPrinter.toYaml(again), "printing is stable");
  }

  @Test
  void printedValuesAreTheOnesTheLoaderReadsBack() throws IOException {
    String printed = ConfigPrinter.toYaml(parse(full()));
    assertTrue(printed.contains("max_mode: \"0640\""), printed);
    assertTrue(printed.contains("max_mode: \"0600\""), "defaults are printed as the loader filled them in:\n" + printed);
    assertTrue(printed.contains("timeout: \"2s500ms\""), printed);
    assertTrue(printed.contains("max_body_size: \"512KiB\""), printed);
    assertTrue(printed.contains("min_size: \"1000000\""), printed);
    assertTrue(printed.contains("path: \"/etc/dollar$$dir/key\""), "a literal $ stays escaped:\n" + printed);
    assertTrue(printed.contains("rpc_url: \"http://127.0.0.1:20443\""), "the default URL is shown:\n" + printed);
    assertFalse(printed.contains("schedule"), printed);
  }

  @Test
  void secretsArePrintedAsTheReferenceTheyWereReadThrough() throws IOException {
    String printed = ConfigPrinter.toYaml(parse(full()));
    assertTrue(printed.contains("rpc_password: \"${BTC_RPC_PASSWORD}\""), printed);
    assertTrue(printed.contains("token_file: \"" + dir.resolve("token") + "\""), printed);
    assertTrue(printed.contains("metrics_url: \"http://${SCRAPE_USER}:${SCRAPE_PASSWORD}@${SIGNER_HOST}:9184/metrics\""), printed);
    for (String secret : new String[] {RPC_PASSWORD, TOKEN, SCRAPE_PASSWORD, "db-password", "scratch-password"}) {
      assertFalse(printed.contains(secret), secret + " in:\n" + printed);
    }
  }

  /** A password written into a URL cannot be printed; the masked printout is refused with the reason, not loaded with a wrong password. */
  @Test
  void aUrlWithALiteralPasswordIsMaskedAndTheMaskIsNotTakenForAPassword() {
    ExporterConfig config = parse("signer:\n  metrics_url: \"http://scraper:s3cr3t-pw@10.0.0.5:9184/metrics\"\n");
    String printed = ConfigPrinter.toYaml(config);
    assertFalse(printed.contains("s3cr3t-pw"), printed);
    ConfigException e = assertThrows(ConfigException.class, () -> parse(printed));
    assertEquals("test.yml: signer.metrics_url: holds <secret>, a value --check-config masked; write the real one,"
        + " best as a ${VAR} reference", e.getMessage());
  }

  @Test
  void anUnquotedFileModeIsRefusedBecauseYamlReadsItAsANumber() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("audit:\n  files:\n    - {path: /etc/key, max_mode: 0640}\n"));
    assertEquals("test.yml: audit.files[0].max_mode: must be quoted, like \"0600\": YAML reads an unquoted 0600 as a number (got 416)",
        e.getMessage());
  }

  @Test
  void aSecretWithADefaultIsRefusedBecauseTheDefaultIsWrittenInTheFile() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("bitcoin:\n  rpc_user: exporter\n  rpc_password: \"${UNSET_PASSWORD:-hunter2}\"\n"));
    assertEquals("test.yml: bitcoin.rpc_password: must not be written in the config file; use rpc_password_file"
        + " or an environment reference like ${RPC_PASSWORD}", e.getMessage());
  }

  @Test
  void commandLineOverridesArePrintedToo() {
    ExporterConfig config = parse("signer:\n  info_url: \"http://127.0.0.1:8801/info\"\n")
        .with(Overrides.listenAddress(ListenAddress.parse("0.0.0.0:9999").orElseThrow()));
    String printed = ConfigPrinter.toYaml(config);
    assertTrue(printed.contains("listen_address: \"0.0.0.0:9999\""), printed);
    assertEquals(config, parse(printed));
  }
}
