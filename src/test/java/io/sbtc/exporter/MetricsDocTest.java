package io.sbtc.exporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.bitcoin.RpcReplies;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.PgTools;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** docs/metrics.md is the contract: it lists exactly the sbtc_ families a fully configured exporter emits. */
class MetricsDocTest {
  @RegisterExtension
  static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  static Path dir;
  /** A real signer database (with WAL archiving) and a scratch server, for signer_db and backup verification. */
  static SignerPostgres pg;
  /** Without the PostgreSQL client programs no verification can succeed (in CI they are required). */
  static boolean pgTools;

  @BeforeAll
  static void startPostgres() throws IOException {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      PgTools.requireAll("pg_dump", "pg_restore", "psql");
    }
    pgTools = PgTools.available("pg_dump", "pg_restore", "psql");
    pg = SignerPostgres.start(dir.resolve("pg"));
    Files.createDirectories(dir.resolve("good"));
    if (pgTools) {
      pg.dump(SignerPostgres.SIGNER_DB, "c", dir.resolve("good/signer-20260722.dump"));
    } else {
      Files.writeString(dir.resolve("good/signer-20260722.dump"), "not a dump: pg_dump is not installed");
    }
    // A verification that fails, so that sbtc_backup_verify_failure_info is emitted too.
    Files.createDirectories(dir.resolve("broken"));
    Files.writeString(dir.resolve("broken/signer-20260722.sql"), "CREATE TABLE cut_sh");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  /** Names in the first column of the tables, e.g. | `sbtc_bitcoin_blocks` | gauge | ... */
  static Set<String> documented() throws IOException {
    Pattern row = Pattern.compile("^\\|\\s*`(sbtc_[a-z0-9_]+)`\\s*\\|", Pattern.MULTILINE);
    Matcher m = row.matcher(Files.readString(Path.of("docs/metrics.md")));
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Every source configured against fixtures, so every documented family has a chance to appear. */
  static String fullConfig(String base) {
    return """
        signer:
          metrics_url: "%1$s/metrics"
          info_url: "%1$s/info"
          interval: 1s
        audit:
          files:
            - path: "pom.xml"
              max_age: 90d
          listeners:
            allowed_public_ports: []
            proc_net_files: ["src/test/resources/fixtures/audit/proc-net-tcp"]
          ssh:
            config_file: "src/test/resources/fixtures/audit/sshd/debian12/sshd_config"
        logs:
          - component: signer
            path: "src/test/resources/fixtures/logs"
            pattern: "signer-json.log"
        bitcoin:
          rpc_url: "%1$s"
          rpc_user: "exporter"
          rpc_password_file: "%3$s"
          interval: 1s
        stacks:
          rpc_url: "%1$s"
          interval: 1s
          metrics_url: "%1$s/stacks-node-metrics"
        versions:
          minimum:
            bitcoind: "25.0"
            signer: "1.0.0"
          release_feed:
            base_url: "%1$s"
            interval: 1h
        signer_db:
          url: "%2$s"
          password_file: "%3$s"
        backups:
          - name: signer-db
            path: "%4$s/good"
            verify:
              scratch_url: "%5$s"
              password_file: "%6$s"
              settle_time: 100ms
          - name: broken
            path: "%4$s/broken"
            verify:
              scratch_url: "%5$s"
              password_file: "%6$s"
              settle_time: 100ms
        disk:
          paths: ["%4$s"]
        """.formatted(base, pg.signerUrl(), pg.exporterPasswordFile(), dir, pg.scratchUrl(), pg.verifierPasswordFile());
  }

  /** The full test config, as --check-config prints it, loads back to the same config. */
  @Test
  void fullConfigPrintedByCheckConfigLoadsBack() {
    ExporterConfig config = ConfigLoader.parse("full.yml", fullConfig(upstream.baseUrl()), System::getenv);
    String printed = ConfigPrinter.toYaml(config);
    assertEquals(config, ConfigLoader.parse("full.yml", printed, System::getenv), printed);
  }

  /** What statfs says of the inode count, asked through stat -f as the disk source asks it. */
  static boolean noInodeCount(Path path) throws IOException {
    Process p = new ProcessBuilder("stat", "-f", "-c", "%c", "--", path.toString()).start();
    return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip().equals("0");
  }

  static void stubAll() {
    upstream.stubFor(get("/repos/stacks-sbtc/sbtc/releases?per_page=30").willReturn(aResponse().withBody(Fixtures.text("releases/sbtc.json"))));
    upstream.stubFor(get("/repos/stacks-network/stacks-core/releases?per_page=30")
        .willReturn(aResponse().withBody(Fixtures.text("releases/stacks-core.json"))));
    upstream.stubFor(get("/repos/bitcoin/bitcoin/releases?per_page=30").willReturn(aResponse().withBody(Fixtures.text("releases/bitcoin.json"))));
    upstream.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    upstream.stubFor(get("/repos/stacks-sbtc/sbtc/tags?per_page=100").willReturn(aResponse().withBody(Fixtures.text("releases/sbtc-tags.json"))));
    upstream.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    upstream.stubFor(post("/").withRequestBody(containing("\"getblockchaininfo\"")).willReturn(aResponse().withBody(RpcReplies.healthy())));
    upstream.stubFor(post("/").withRequestBody(containing("\"getblockheader\"")).willReturn(aResponse().withBody(RpcReplies.header())));
    upstream.stubFor(get("/v2/info").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-info.json"))));
    upstream.stubFor(get("/v2/neighbors").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-neighbors.json"))));
    upstream.stubFor(get("/v2/pox").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-pox.json"))));
    upstream.stubFor(get("/stacks-node-metrics").willReturn(aResponse().withBody(Fixtures.text("stacks/node-metrics.prom"))));
  }

  @Test
  void everyEmittedFamilyIsDocumentedAndEveryDocumentedFamilyIsEmitted() throws IOException {
    stubAll();
    try (RunningExporter exporter = RunningExporter.start(fullConfig(upstream.baseUrl()))) {
      // Every source up: a first poll can time out on a cold JVM, and a down source shows no families.
      exporter.awaitScrape(s -> s.series().entrySet().stream()
          .filter(e -> e.getKey().startsWith("sbtc_exporter_source_up{")).allMatch(e -> e.getValue() == 1.0), Duration.ofSeconds(20));
      Scrape scrape = exporter.scrape();
      Set<String> emitted = new TreeSet<>();
      emitted.addAll(scrape.namesStartingWith("sbtc_"));
      Set<String> documented = documented();
      Set<String> undocumented = new TreeSet<>(emitted);
      undocumented.removeAll(documented);
      Set<String> notEmitted = new TreeSet<>(documented);
      notEmitted.removeAll(emitted);
      if (!pgTools) {
        notEmitted.remove("sbtc_backup_verify_last_success_timestamp_seconds");
      }
      if (!scrape.has("sbtc_disk_inodes{path=\"" + dir + "\"}") && noInodeCount(dir)) {
        // A test directory on a filesystem without a fixed inode count (btrfs): rightly no inode series.
        notEmitted.remove("sbtc_disk_inodes");
        notEmitted.remove("sbtc_disk_inodes_free");
      }
      assertEquals(Set.of(), undocumented, "emitted but missing from docs/metrics.md");
      assertEquals(Set.of(), notEmitted, "in docs/metrics.md but not emitted by a fully configured exporter");
    }
  }
}
