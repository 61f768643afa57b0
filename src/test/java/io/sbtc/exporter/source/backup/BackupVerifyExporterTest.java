package io.sbtc.exporter.source.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.PgTools;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restore verification as an operator sees it: the exporter running, scraped over HTTP. */
class BackupVerifyExporterTest {
  private static final String SUCCESS = "sbtc_backup_verify_success{backup=\"signer-db\"}";
  private static final String LAST_RUN = "sbtc_backup_verify_last_run_timestamp_seconds{backup=\"signer-db\"}";
  private static final String LAST_SUCCESS = "sbtc_backup_verify_last_success_timestamp_seconds{backup=\"signer-db\"}";
  /** A run takes about half a second here; this leaves room on a loaded machine. */
  private static final Duration ONE_INTERVAL_AND_A_RUN = Duration.ofSeconds(3 + 20);

  @TempDir
  static Path shared;
  @TempDir
  Path dir;
  static SignerPostgres pg;
  static Path custom;

  @BeforeAll
  static void start() {
    PgTools.requireAll("pg_dump", "pg_restore", "psql");
    pg = SignerPostgres.start(shared.resolve("pg"));
    custom = pg.dump(SignerPostgres.SIGNER_DB, "c", shared.resolve("signer.dump"));
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private String config(String scratchUrl) {
    return """
        signer_db:
          url: "%s"
          password_file: "%s"
          interval: 1m
          timeout: 5s
        backups:
          - name: signer-db
            path: "%s"
            pattern: "signer-*.dump"
            interval: 1s
            verify:
              scratch_url: "%s"
              password_file: "%s"
              interval: 3s
              settle_time: 100ms
        """.formatted(pg.signerUrl(), pg.exporterPasswordFile(), dir, scratchUrl, pg.verifierPasswordFile());
  }

  @Test
  void brokenBackupTurnsSuccessToZeroWithinOneIntervalAndAGoodOneBackToOne() throws IOException {
    place(Files.readAllBytes(custom), "signer-20260721.dump", "2026-07-21T03:00:40Z");
    try (RunningExporter exporter = RunningExporter.start(config(pg.scratchUrl()))) {
      exporter.awaitScrape(s -> s.value(SUCCESS).isPresent(), ONE_INTERVAL_AND_A_RUN);
      Scrape good = exporter.scrape();
      assertEquals(1.0, good.get(SUCCESS));
      assertEquals(good.get(LAST_RUN), good.get(LAST_SUCCESS));
      assertTrue(good.get("sbtc_backup_verify_duration_seconds{backup=\"signer-db\"}") > 0);
      assertTrue(good.lines("sbtc_backup_verify_failure_info").isEmpty(), good.body());
      // Who wrote the backup, what read it, where it went: the machine's pg_dump of the 14 server, into the 14 scratch server.
      assertEquals(1, good.lines("sbtc_backup_verify_versions_info").size(), good.body());
      assertTrue(good.lines("sbtc_backup_verify_versions_info").get(0).matches("sbtc_backup_verify_versions_info\\{backup=\"signer-db\","
          + "dump_pg_dump=\"\\d+\\.\\d+\",dump_server=\"14\\.\\d+\",restore_tool=\"pg_restore\",restore_tool_version=\"\\d+\\.\\d+\","
          + "scratch_server=\"14\\.\\d+\"} 1(\\.0)?"), good.lines("sbtc_backup_verify_versions_info").get(0));
      assertEquals(1.0, good.get("sbtc_exporter_source_up{source=\"backup_verify:signer-db\"}"));
      assertEquals(3.0, good.get("sbtc_exporter_source_interval_seconds{source=\"backup_verify:signer-db\"}"));

      byte[] dump = Files.readAllBytes(custom);
      place(Arrays.copyOf(dump, dump.length / 2), "signer-20260722.dump", "2026-07-22T03:00:40Z");
      exporter.awaitScrape(s -> s.value(SUCCESS).orElse(1.0) == 0.0, ONE_INTERVAL_AND_A_RUN);
      Scrape broken = exporter.scrape();
      assertEquals(1.0, broken.get("sbtc_backup_verify_failure_info{backup=\"signer-db\",reason=\"restore_failed\"}"));
      assertEquals(good.get(LAST_SUCCESS), broken.get(LAST_SUCCESS), "the last success stays where it was");
      assertTrue(broken.get(LAST_RUN) > good.get(LAST_RUN));
      // A broken backup is the verifier's finding, not a failure of the verifier.
      assertEquals(1.0, broken.get("sbtc_exporter_source_up{source=\"backup_verify:signer-db\"}"));
      assertEquals(0.0, broken.get("sbtc_exporter_source_errors_total{reason=\"other\",source=\"backup_verify:signer-db\"}"));
      // The freshness source sees the new file at the same time: recent, but unusable.
      assertEquals(Instant.parse("2026-07-22T03:00:40Z").getEpochSecond(), broken.get("sbtc_backup_last_timestamp_seconds{backup=\"signer-db\"}"));

      place(dump, "signer-20260723.dump", "2026-07-23T03:00:40Z");
      exporter.awaitScrape(s -> s.value(SUCCESS).orElse(0.0) == 1.0, ONE_INTERVAL_AND_A_RUN);
      assertTrue(exporter.scrape().lines("sbtc_backup_verify_failure_info").isEmpty());
    }
    // Closing the exporter stops a run in progress and waits until its database is dropped.
    assertEquals(List.of(), pg.scratchDatabases());
  }

  @Test
  void scratchServerDownTurnsSuccessToZeroAndCountsAsAConnectError() throws IOException {
    place(Files.readAllBytes(custom), "signer-20260721.dump", "2026-07-21T03:00:40Z");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (RunningExporter exporter = RunningExporter.start(config("postgresql://sbtc_verifier@127.0.0.1:" + closed + "/postgres"))) {
      exporter.awaitScrape(s -> s.value(SUCCESS).isPresent(), ONE_INTERVAL_AND_A_RUN);
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get(SUCCESS));
      assertEquals(1.0, s.get("sbtc_backup_verify_failure_info{backup=\"signer-db\",reason=\"scratch_unavailable\"}"));
      assertFalse(s.has(LAST_SUCCESS));
      assertTrue(s.get("sbtc_exporter_source_errors_total{reason=\"connect\",source=\"backup_verify:signer-db\"}") >= 1.0);
      // The backup itself is fine as far as freshness goes.
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"backup:signer-db\"}"));
    }
  }

  /**
   * The mainnet case with an old pg_restore: an archive of a newer pg_dump gets its own reason and
   * the two versions an alert needs, and nothing is created on the scratch server.
   */
  @Test
  void anArchiveFromANewerPgDumpIsDumpTooNewWithBothVersions() throws IOException {
    place(Fixtures.bytes("postgres/signer-pg_dump-18.dump"), "signer-20260721.dump", "2026-07-21T03:00:40Z");
    try (RunningExporter exporter = RunningExporter.start(config(pg.scratchUrl()))) {
      exporter.awaitScrape(s -> s.value(SUCCESS).isPresent(), ONE_INTERVAL_AND_A_RUN);
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get(SUCCESS));
      assertEquals(1.0, s.get("sbtc_backup_verify_failure_info{backup=\"signer-db\",reason=\"dump_too_new\"}"), s.body());
      assertTrue(s.lines("sbtc_backup_verify_versions_info").get(0).matches("sbtc_backup_verify_versions_info\\{backup=\"signer-db\","
          + "dump_pg_dump=\"18\\.3\",dump_server=\"18\\.3\",restore_tool=\"pg_restore\",restore_tool_version=\"\\d+\\.\\d+\"} 1(\\.0)?"),
          s.body());
      // The tools are what is old, not the verifier that is broken.
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"backup_verify:signer-db\"}"));
      assertEquals(List.of(), pg.scratchDatabases());
    }
  }

  private void place(byte[] content, String name, String modified) throws IOException {
    Path p = Files.write(dir.resolve(name), content);
    Files.setLastModifiedTime(p, FileTime.from(Instant.parse(modified)));
  }
}
