package io.sbtc.exporter.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signer_db source against a real PostgreSQL server holding a signer-shaped database, as the exporter's least-privileged user. */
class SignerDbSourceTest {
  @TempDir
  static Path dir;
  static SignerPostgres pg;

  @BeforeAll
  static void start() {
    pg = SignerPostgres.start(dir.resolve("pg"));
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  static String config(String url, Path passwordFile) {
    return """
        signer_db:
          url: "%s"
          password_file: "%s"
          interval: 1m
          timeout: 3s
        """.formatted(url, passwordFile);
  }

  static Scrape scrapeOnce(String url) {
    return scrapeOnce(url, pg.exporterPasswordFile());
  }

  static Scrape scrapeOnce(String url, Path passwordFile) {
    try (RunningExporter exporter = RunningExporter.start(config(url, passwordFile))) {
      return exporter.awaitReady().scrape();
    }
  }

  @Test
  void exportsWhatTheSignerStored() {
    Scrape s = scrapeOnce(pg.signerUrl());
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"signer_db\"}"));
    assertEquals(901211.0, s.get("sbtc_signer_db_bitcoin_block_height"));
    assertEquals(5210035.0, s.get("sbtc_signer_db_stacks_block_height"));
    assertEquals(21.0, s.get("sbtc_signer_db_migrations"));
    assertEquals(2.0, s.get("sbtc_signer_dkg_shares{status=\"verified\"}"));
    assertEquals(1.0, s.get("sbtc_signer_dkg_shares{status=\"failed\"}"));
    assertEquals(1.0, s.get("sbtc_signer_dkg_shares{status=\"unverified\"}"));
    assertEquals(Instant.parse("2026-03-10T17:45:31Z").getEpochSecond(), s.get("sbtc_signer_dkg_latest_verified_timestamp_seconds"));
    // The newest round is still unverified: what /info would call current_aggregate_key. The key the
    // signer signs with is the newest verified one (get_latest_verified_dkg_shares, stacks-sbtc/sbtc
    // v1.3.3 signer/src/storage/postgres/read.rs:1759-1787: status 'verified', newest created_at).
    assertEquals(1.0, s.get("sbtc_signer_dkg_latest_shares_status{status=\"unverified\"}"));
    assertEquals(0.0, s.get("sbtc_signer_dkg_latest_shares_status{status=\"verified\"}"));
    assertEquals(0.0, s.get("sbtc_signer_dkg_latest_shares_status{status=\"failed\"}"));
    assertEquals(Instant.parse("2026-07-21T23:40:02Z").getEpochSecond(), s.get("sbtc_signer_dkg_latest_shares_created_timestamp_seconds"));
    assertEquals(1.0, s.get("sbtc_signer_dkg_verified_aggregate_key_info{aggregate_key=\"" + SignerPostgres.LATEST_VERIFIED_KEY + "\"}"));
    assertEquals(1.0, s.get("sbtc_postgres_info{server_version=\"" + serverVersion() + "\"}"));
    // The test server runs without archive_timeout, as PostgreSQL does by default.
    assertEquals(0.0, s.get("sbtc_postgres_archive_timeout_seconds"));
    assertEquals(0.0, s.get("sbtc_postgres_wal_archive_failures_total"));
    assertTrue(s.get("sbtc_postgres_wal_last_archived_timestamp_seconds") > Instant.parse("2026-01-01T00:00:00Z").getEpochSecond());
    for (String reason : List.of("timeout", "connect", "tls", "http_status", "auth", "parse", "too_large", "other")) {
      assertEquals(0.0, s.get("sbtc_exporter_source_errors_total{reason=\"" + reason + "\",source=\"signer_db\"}"), reason);
    }
  }

  @Test
  void bitcoinHeightIsTheCanonicalTipNotABlockTheSignerHasNotMarkedYet() {
    pg.createSignerDatabase(pg.signer, "signer_new_block", true);
    pg.exec(pg.signer, "signer_new_block", """
        INSERT INTO sbtc_signer.bitcoin_blocks (block_hash, block_height, parent_hash, is_canonical)
        VALUES (decode(repeat('ab', 32), 'hex'), 901212, decode(repeat('cd', 32), 'hex'), NULL)""");
    assertEquals(901211.0, scrapeOnce(pg.signerUrl("signer_new_block")).get("sbtc_signer_db_bitcoin_block_height"));
  }

  @Test
  void beforeMigration0022TheHighestBlockCounts() {
    pg.createSignerDatabase(pg.signer, "signer_pre0022", true);
    pg.exec(pg.signer, "signer_pre0022", """
        ALTER TABLE sbtc_signer.bitcoin_blocks DROP COLUMN is_canonical;
        DELETE FROM public.__sbtc_migrations WHERE key = '0022__add_is_canonical_to_bitcoin_blocks.sql';
        INSERT INTO sbtc_signer.bitcoin_blocks (block_hash, block_height, parent_hash)
        VALUES (decode(repeat('ab', 32), 'hex'), 901212, decode(repeat('cd', 32), 'hex'))""");
    Scrape s = scrapeOnce(pg.signerUrl("signer_pre0022"));
    assertEquals(901212.0, s.get("sbtc_signer_db_bitcoin_block_height"));
    assertEquals(20.0, s.get("sbtc_signer_db_migrations"));
  }

  @Test
  void markedBlocksMissingRightAfterMigration0022FallBackToTheHighestBlock() {
    pg.createSignerDatabase(pg.signer, "signer_unmarked", true);
    pg.exec(pg.signer, "signer_unmarked", "UPDATE sbtc_signer.bitcoin_blocks SET is_canonical = NULL");
    assertEquals(901211.0, scrapeOnce(pg.signerUrl("signer_unmarked")).get("sbtc_signer_db_bitcoin_block_height"));
  }

  @Test
  void emptyTablesGiveAbsentHeightsAndZeroCounts() {
    pg.createSignerDatabase(pg.signer, "signer_empty", false);
    Scrape s = scrapeOnce(pg.signerUrl("signer_empty"));
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"signer_db\"}"));
    assertFalse(s.has("sbtc_signer_db_bitcoin_block_height"));
    assertFalse(s.has("sbtc_signer_db_stacks_block_height"));
    assertFalse(s.has("sbtc_signer_dkg_latest_verified_timestamp_seconds"));
    assertFalse(s.has("sbtc_signer_dkg_latest_shares_created_timestamp_seconds"));
    assertFalse(s.has("sbtc_signer_dkg_latest_shares_status{status=\"unverified\"}"));
    assertFalse(s.series().keySet().stream().anyMatch(k -> k.startsWith("sbtc_signer_dkg_verified_aggregate_key_info")));
    assertEquals(0.0, s.get("sbtc_signer_db_migrations"));
    assertEquals(0.0, s.get("sbtc_signer_dkg_shares{status=\"verified\"}"));
    assertEquals(0.0, s.get("sbtc_signer_dkg_shares{status=\"unverified\"}"));
    assertEquals(0.0, s.get("sbtc_signer_dkg_shares{status=\"failed\"}"));
  }

  /** The signer's block observer marks unverified shares failed when their window passes (v1.3.3 signer/src/block_observer.rs:593-636). */
  @Test
  void aFailedNewestRoundLeavesTheVerifiedKeyInPlace() {
    pg.createSignerDatabase(pg.signer, "signer_failed_round", true);
    pg.exec(pg.signer, "signer_failed_round", "UPDATE sbtc_signer.dkg_shares SET dkg_shares_status = 'failed' WHERE dkg_shares_status = 'unverified'");
    Scrape s = scrapeOnce(pg.signerUrl("signer_failed_round"));
    assertEquals(1.0, s.get("sbtc_signer_dkg_latest_shares_status{status=\"failed\"}"));
    assertEquals(0.0, s.get("sbtc_signer_dkg_latest_shares_status{status=\"unverified\"}"));
    assertEquals(1.0, s.get("sbtc_signer_dkg_verified_aggregate_key_info{aggregate_key=\"" + SignerPostgres.LATEST_VERIFIED_KEY + "\"}"));
  }

  @Test
  void archiveTimeoutIsReadInSeconds() {
    pg.exec(pg.signer, "postgres", "ALTER SYSTEM SET archive_timeout = '5min'");
    pg.exec(pg.signer, "postgres", "SELECT pg_reload_conf()");
    try {
      awaitArchiveTimeout(300);
      assertEquals(300.0, scrapeOnce(pg.signerUrl()).get("sbtc_postgres_archive_timeout_seconds"));
    } finally {
      pg.exec(pg.signer, "postgres", "ALTER SYSTEM RESET archive_timeout");
      pg.exec(pg.signer, "postgres", "SELECT pg_reload_conf()");
      awaitArchiveTimeout(0);
    }
  }

  @Test
  void aDatabaseWithoutTheSignerSchemaKeepsWhatStillWorks() {
    pg.exec(pg.signer, "postgres", "CREATE DATABASE not_the_signer");
    Scrape s = scrapeOnce(pg.signerUrl("not_the_signer"));
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"signer_db\"}"));
    // migrations, bitcoin and stacks heights, dkg_shares, latest verified time, newest shares, verified key, and the
    // pipeline's pending deposits and withdrawals, last sweep, own key, votes on both kinds, peers: each its own error.
    assertEquals(14.0, s.get("sbtc_exporter_source_errors_total{reason=\"parse\",source=\"signer_db\"}"));
    assertFalse(s.has("sbtc_signer_db_bitcoin_block_height"));
    assertFalse(s.has("sbtc_signer_db_migrations"));
    assertEquals(1.0, s.get("sbtc_postgres_info{server_version=\"" + serverVersion() + "\"}"));
    assertEquals(0.0, s.get("sbtc_postgres_wal_archive_failures_total"));
  }

  @Test
  void queriesStuckBehindALockTimeOutAndTheOthersStillCount() throws SQLException {
    pg.createSignerDatabase(pg.signer, "signer_locked", true);
    // What a long migration does to the signer's tables: an exclusive lock held in an open transaction.
    try (Connection lock = pg.signer.getDatabase("postgres", "signer_locked").getConnection()) {
      lock.setAutoCommit(false);
      try (Statement st = lock.createStatement()) {
        st.execute("LOCK TABLE sbtc_signer.stacks_blocks IN ACCESS EXCLUSIVE MODE");
      }
      Scrape s = scrapeOnce(pg.signerUrl("signer_locked"));
      lock.rollback();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"signer_db\"}"));
      // The Stacks height, pending withdrawals and recent withdrawal votes read stacks_blocks; each waits
      // a fifth of its statement timeout for the lock, so all three fit in the poll.
      assertEquals(3.0, s.get("sbtc_exporter_source_errors_total{reason=\"timeout\",source=\"signer_db\"}"));
      assertFalse(s.has("sbtc_signer_db_stacks_block_height"));
      assertFalse(s.has("sbtc_signer_db_pending_requests{kind=\"withdrawal\"}"));
      assertEquals(901211.0, s.get("sbtc_signer_db_bitcoin_block_height"));
      assertEquals(21.0, s.get("sbtc_signer_db_migrations"));
      assertEquals(2.0, s.get("sbtc_signer_db_pending_requests{kind=\"deposit\"}"));
    }
  }

  @Test
  void serverDownIsAConnectError() throws IOException {
    Scrape s = scrapeOnce("postgresql://sbtc_exporter@127.0.0.1:" + closedPort() + "/signer");
    assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"signer_db\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"connect\",source=\"signer_db\"}"));
    assertFalse(s.has("sbtc_signer_db_migrations"));
  }

  @Test
  void wrongPasswordIsAnAuthError() throws IOException {
    Path wrong = Files.writeString(dir.resolve("wrong.password"), "not-the-password\n");
    Scrape s = scrapeOnce(pg.signerUrl(), wrong);
    assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"signer_db\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"auth\",source=\"signer_db\"}"));
  }

  @Test
  void walMetricsAreAbsentWhenTheServerDoesNotArchive() {
    pg.createSignerDatabase(pg.scratch, "signer", true);
    String url = "postgresql://sbtc_exporter@127.0.0.1:" + pg.scratch.getPort() + "/signer";
    Scrape s = scrapeOnce(url);
    assertEquals(901211.0, s.get("sbtc_signer_db_bitcoin_block_height"));
    assertFalse(s.has("sbtc_postgres_wal_archive_failures_total"));
    assertFalse(s.has("sbtc_postgres_wal_last_archived_timestamp_seconds"));
  }

  @Test
  void theExportersSessionCannotWrite() throws SQLException {
    SignerDbConfig config = ConfigLoader.parse("test.yml", config(pg.signerUrl(), pg.exporterPasswordFile()), System::getenv)
        .section(SignerDbConfig.class).orElseThrow();
    try (Connection c = PgConnector.open(config.url(), config.password(), Duration.ofSeconds(5), true); Statement st = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> st.execute("CREATE TEMP TABLE scribble (x int)"));
      assertEquals("25006", e.getSQLState(), e.getMessage()); // read_only_sql_transaction
    }
  }

  @Test
  void theDocumentedGrantsKeepTheEncryptedSharesFromTheExporter() throws SQLException {
    SignerDbConfig config = ConfigLoader.parse("test.yml", config(pg.signerUrl(), pg.exporterPasswordFile()), System::getenv)
        .section(SignerDbConfig.class).orElseThrow();
    try (Connection c = PgConnector.open(config.url(), config.password(), Duration.ofSeconds(5), true); Statement st = c.createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> st.executeQuery("SELECT encrypted_private_shares FROM sbtc_signer.dkg_shares"));
      assertEquals("42501", e.getSQLState(), e.getMessage()); // insufficient_privilege
    }
  }

  /** pg_reload_conf() only signals the server: wait until a new session sees the setting (new sessions are what the exporter opens). */
  private static void awaitArchiveTimeout(long seconds) {
    String sql = "SELECT setting::bigint FROM pg_settings WHERE name = 'archive_timeout'";
    Await.until("archive_timeout = " + seconds + " in a new session", Duration.ofSeconds(10),
        () -> pg.queryLong(pg.signer, "postgres", sql) == seconds);
  }

  private static String serverVersion() {
    try (Connection c = pg.signer.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        var rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
