package io.sbtc.exporter.source.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.testing.PgTools;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore verification against real servers: real pg_dump backups of a signer database, restored
 * with the machine's pg_restore and psql into a real scratch server. Each case asserts the verdict
 * and that the temporary database is gone afterwards.
 */
class BackupVerifierTest {
  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  static SignerPostgres pg;
  static Path custom;
  static Path plain;

  @BeforeAll
  static void start() {
    PgTools.requireAll("pg_dump", "pg_restore", "psql");
    pg = SignerPostgres.start(shared.resolve("pg"));
    custom = pg.dump(SignerPostgres.SIGNER_DB, "c", shared.resolve("signer.dump"));
    plain = pg.dump(SignerPostgres.SIGNER_DB, "p", shared.resolve("signer.sql"));
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  @AfterEach
  void temporaryDatabasesAreDropped() {
    assertEquals(List.of(), pg.scratchDatabases(), "temporary databases left on the scratch server");
  }

  @Test
  void customFormatBackupRestoresAndMatchesTheLiveKey() throws IOException {
    VerifyOutcome outcome = verify(copy(custom, "signer-20260722.dump"));
    assertEquals(Optional.empty(), outcome.failure(), outcome.message());
    assertEquals(List.of(), outcome.infrastructure());
  }

  @Test
  void plainSqlBackupRestoresThroughPsql() throws IOException {
    // pg_dump 15.14 and later bring their own \restrict pair (pg_backup_archiver.c); psql is restricted already.
    assertTrue(Files.readString(plain).lines().anyMatch(l -> l.matches("\\\\restrict [A-Za-z0-9]+")), "this pg_dump writes \\restrict");
    VerifyOutcome outcome = verify(copy(plain, "signer-20260722.sql"));
    assertEquals(Optional.empty(), outcome.failure(), outcome.message());
  }

  @Test
  void gzippedPlainBackupIsDecompressedByTheExporter() throws IOException {
    Path gz = dir.resolve("signer-20260722.sql.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(plain, out);
    }
    VerifyOutcome outcome = verify(gz);
    assertEquals(Optional.empty(), outcome.failure(), outcome.message());
  }

  @Test
  void tarFormatBackupRestores() {
    VerifyOutcome outcome = verify(pg.dump(SignerPostgres.SIGNER_DB, "t", dir.resolve("signer-20260722.tar")));
    assertEquals(Optional.empty(), outcome.failure(), outcome.message());
  }

  @Test
  void truncatedCustomDumpFailsToRestore() throws IOException {
    byte[] all = Files.readAllBytes(custom);
    Path cut = Files.write(dir.resolve("signer-20260722.dump"), java.util.Arrays.copyOf(all, all.length / 2));
    VerifyOutcome outcome = verify(cut);
    assertEquals(Optional.of(FailureReason.RESTORE_FAILED), outcome.failure(), outcome.message());
    assertTrue(outcome.message().startsWith("pg_restore exited with 1: pg_restore: error:"), outcome.message());
  }

  @Test
  void plainDumpCutShortIsIncomplete() throws IOException {
    // Cut at a line end before the data: psql itself runs every line it gets without an error.
    String text = Files.readString(plain);
    Path cut = Files.writeString(dir.resolve("signer-20260722.sql"), text.substring(0, text.indexOf("\nCOPY ") + 1));
    VerifyOutcome outcome = verify(cut);
    assertEquals(Optional.of(FailureReason.INCOMPLETE_DUMP), outcome.failure(), outcome.message());
  }

  @Test
  void corruptGzipIsACorruptFile() throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      Files.copy(plain, out);
    }
    byte[] gz = bytes.toByteArray();
    for (int i = gz.length / 3; i < gz.length / 3 + 64; i++) {
      gz[i] = (byte) ~gz[i];
    }
    VerifyOutcome outcome = verify(Files.write(dir.resolve("signer-20260722.sql.gz"), gz));
    assertEquals(Optional.of(FailureReason.CORRUPT_FILE), outcome.failure(), outcome.message());
  }

  @Test
  void binaryGarbageIsACorruptFile() throws IOException {
    VerifyOutcome outcome = verify(Files.write(dir.resolve("signer-20260722.dump"), new byte[] {1, 2, 0, 4, 5}));
    assertEquals(Optional.of(FailureReason.CORRUPT_FILE), outcome.failure(), outcome.message());
  }

  @Test
  void dumpOfAnotherDatabaseHasNoSignerSchema() {
    pg.exec(pg.signer, "postgres", "CREATE DATABASE wallet");
    pg.exec(pg.signer, "wallet", "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL); INSERT INTO accounts VALUES (1, 'alice')");
    VerifyOutcome outcome = verify(pg.dump("wallet", "c", dir.resolve("signer-20260722.dump")));
    assertEquals(Optional.of(FailureReason.SCHEMA_MISSING), outcome.failure(), outcome.message());
  }

  @Test
  void schemaOnlyDumpMissesTheMigrationRecord() {
    Path dump = dir.resolve("signer-20260722.dump");
    SignerPostgres.run(List.of(PgTools.require("pg_dump").toString(), "--host", "127.0.0.1", "--port", Integer.toString(pg.signer.getPort()),
        "--username", "postgres", "--format", "c", "--schema", "sbtc_signer", "--file", dump.toString(), SignerPostgres.SIGNER_DB));
    VerifyOutcome outcome = verify(dump);
    assertEquals(Optional.of(FailureReason.TABLE_MISSING), outcome.failure(), outcome.message());
    assertEquals("the restored copy has no table public.__sbtc_migrations", outcome.message());
  }

  @Test
  void dumpWithoutDkgSharesIsEmpty() {
    Path dump = dir.resolve("signer-20260722.dump");
    SignerPostgres.run(List.of(PgTools.require("pg_dump").toString(), "--host", "127.0.0.1", "--port", Integer.toString(pg.signer.getPort()),
        "--username", "postgres", "--format", "c", "--exclude-table-data", "sbtc_signer.dkg_shares", "--file", dump.toString(),
        SignerPostgres.SIGNER_DB));
    VerifyOutcome outcome = verify(dump);
    assertEquals(Optional.of(FailureReason.TABLE_EMPTY), outcome.failure(), outcome.message());
    assertEquals("table sbtc_signer.dkg_shares of the restored copy is empty", outcome.message());
  }

  @Test
  void backupOlderThanTheLatestVerifiedDkgRoundDoesNotMatchTheLiveKey() throws IOException {
    Path backup = copy(custom, "signer-20260722.dump");
    String newKey = "02b45559df309b3c704959076d6e77431b8521b0f9231587172cb8c810f39ee8ca";
    pg.exec(pg.signer, SignerPostgres.SIGNER_DB, """
        INSERT INTO sbtc_signer.dkg_shares
        SELECT decode('%s', 'hex'), tweaked_aggregate_key, encrypted_private_shares, public_shares, script_pubkey,
               signer_set_public_keys, signature_share_threshold, timestamptz '2026-07-22 01:00:00+00', 'verified',
               started_at_bitcoin_block_hash, started_at_bitcoin_block_height
        FROM sbtc_signer.dkg_shares WHERE dkg_shares_status = 'unverified'""".formatted(newKey));
    try {
      VerifyOutcome outcome = verify(backup);
      assertEquals(Optional.of(FailureReason.AGGREGATE_KEY_MISMATCH), outcome.failure(), outcome.message());
      assertEquals("the backup's latest verified DKG aggregate key is 03421e750c6129ac... but the live database's is 02b45559df309b3c...:"
          + " the backup predates the current DKG shares", outcome.message());
    } finally {
      pg.exec(pg.signer, SignerPostgres.SIGNER_DB, "DELETE FROM sbtc_signer.dkg_shares WHERE aggregate_key = decode('" + newKey + "', 'hex')");
    }
  }

  @Test
  void dumpMadeWithCreateIsRefusedBeforePsqlLeavesTheTemporaryDatabase() {
    Path dump = dir.resolve("signer-20260722.sql");
    SignerPostgres.run(List.of(PgTools.require("pg_dump").toString(), "--host", "127.0.0.1", "--port", Integer.toString(pg.signer.getPort()),
        "--username", "postgres", "--format", "p", "--create", "--file", dump.toString(), SignerPostgres.SIGNER_DB));
    VerifyOutcome outcome = verify(dump);
    assertEquals(Optional.of(FailureReason.UNSUPPORTED_DUMP), outcome.failure(), outcome.message());
  }

  @Test
  void fileStillGrowingIsNeverRestored() throws Exception {
    Path growing = copy(plain, "signer-20260722.sql");
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer = new Thread(() -> {
      try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.APPEND)) {
        while (!stop.get()) {
          out.write("-- more\n".getBytes());
          out.flush();
          Thread.sleep(20); // not a wait: a dump being written, a line every 20 ms, for as long as the test runs
        }
      } catch (IOException | InterruptedException ignored) {
        // the test ends the writer
      }
    });
    writer.start();
    try {
      VerifyOutcome outcome = verify(growing, "settle_time: 300ms", "timeout: 2s");
      assertEquals(Optional.of(FailureReason.STILL_BEING_WRITTEN), outcome.failure(), outcome.message());
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  @Test
  void scratchServerDownIsScratchUnavailable() throws IOException {
    int closed = closedPort();
    VerifyOutcome outcome = verify(copy(custom, "signer-20260722.dump"),
        "scratch_url: \"postgresql://sbtc_verifier@127.0.0.1:" + closed + "/postgres\"");
    assertEquals(Optional.of(FailureReason.SCRATCH_UNAVAILABLE), outcome.failure(), outcome.message());
    assertEquals(List.of(ErrorReason.CONNECT), outcome.infrastructure().stream().map(e -> e.reason()).toList());
  }

  @Test
  void wrongScratchPasswordIsScratchUnavailableWithAuth() throws IOException {
    Path wrong = Files.writeString(dir.resolve("wrong.password"), "not-the-password\n");
    VerifyOutcome outcome = verify(copy(custom, "signer-20260722.dump"), "password_file: \"" + wrong + "\"");
    assertEquals(Optional.of(FailureReason.SCRATCH_UNAVAILABLE), outcome.failure(), outcome.message());
    assertEquals(List.of(ErrorReason.AUTH), outcome.infrastructure().stream().map(e -> e.reason()).toList());
  }

  @Test
  void liveDatabaseDownIsLiveDbUnavailable() throws IOException {
    ExporterConfig config = config(copy(custom, "signer-20260722.dump").getParent(),
        "postgresql://sbtc_exporter@127.0.0.1:" + closedPort() + "/signer");
    VerifyOutcome outcome = new BackupVerifier(config.sections(BackupConfig.class).get(0), config.section(SignerDbConfig.class), dir, Clock.systemUTC()).run();
    assertEquals(Optional.of(FailureReason.LIVE_DB_UNAVAILABLE), outcome.failure(), outcome.message());
    assertEquals(List.of(ErrorReason.CONNECT), outcome.infrastructure().stream().map(e -> e.reason()).toList());
  }

  @Test
  void missingPgRestoreIsToolMissing() throws IOException {
    VerifyOutcome outcome = verify(copy(custom, "signer-20260722.dump"), "pg_restore: \"" + dir.resolve("no-such-pg_restore") + "\"");
    assertEquals(Optional.of(FailureReason.TOOL_MISSING), outcome.failure(), outcome.message());
  }

  @Test
  void emptyDirectoryHasNoBackup() {
    VerifyOutcome outcome = verify(dir.resolve("nothing-here.dump"));
    assertEquals(Optional.of(FailureReason.NO_BACKUP), outcome.failure(), outcome.message());
    assertEquals("no file matching \"signer-*\" in " + dir, outcome.message());
  }

  @Test
  void restoreThatHangsIsStoppedAtTheTimeoutAndCleanedUp() throws IOException {
    Path hanging = script("hanging-pg_restore", "exec sleep 60\n");
    VerifyOutcome outcome = verify(copy(custom, "signer-20260722.dump"), "pg_restore: \"" + hanging + "\"", "timeout: 2s");
    assertEquals(Optional.of(FailureReason.TIMEOUT), outcome.failure(), outcome.message());
  }

  @Test
  void stoppingTheExporterKillsTheRestoreAndDropsTheDatabase() throws Exception {
    Path started = dir.resolve("started");
    Path hanging = script("hanging-pg_restore", "touch \"" + started + "\"\nexec sleep 60\n");
    ExporterConfig config = config(copy(custom, "signer-20260722.dump").getParent(), pg.signerUrl(), "pg_restore: \"" + hanging + "\"");
    BackupVerifier verifier = new BackupVerifier(config.sections(BackupConfig.class).get(0), config.section(SignerDbConfig.class), dir, Clock.systemUTC());
    java.util.concurrent.CompletableFuture<VerifyOutcome> run = java.util.concurrent.CompletableFuture.supplyAsync(verifier::run);
    Await.until("the hanging pg_restore to start", Duration.ofSeconds(60), () -> Files.exists(started));
    assertEquals(1, pg.scratchDatabases().size(), "the run is restoring into its temporary database");
    verifier.stop();
    VerifyOutcome outcome = run.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals(Optional.of(FailureReason.RESTORE_FAILED), outcome.failure(), outcome.message());
    assertTrue(outcome.message().endsWith("exited with 137"), outcome.message()); // killed
  }

  @Test
  void passwordReachesTheToolOnlyThroughAPrivatePasswordFile() throws IOException {
    Path seen = dir.resolve("seen.txt");
    Path spy = script("spy-pg_restore", """
        {
          echo "args: $*"
          echo "PGPASSWORD=${PGPASSWORD:-unset}"
          echo "mode: $(stat -c %%a "$PGPASSFILE")"
          echo "passfile: $PGPASSFILE"
        } > "%1$s"
        cp "$PGPASSFILE" "%1$s.pgpass"
        cat > "%1$s.stdin"
        exit 1
        """.formatted(seen));
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    ExporterConfig config = config(copy(custom, "signer-20260722.dump").getParent(), pg.signerUrl(), "pg_restore: \"" + spy + "\"");
    VerifyOutcome outcome = new BackupVerifier(config.sections(BackupConfig.class).get(0), config.section(SignerDbConfig.class), tmp, Clock.systemUTC()).run();
    assertEquals(Optional.of(FailureReason.RESTORE_FAILED), outcome.failure(), outcome.message());

    List<String> lines = Files.readAllLines(seen);
    assertFalse(lines.get(0).contains(SignerPostgres.VERIFIER_PASSWORD), lines.get(0));
    assertTrue(lines.get(0).startsWith("args: --no-password --exit-on-error --no-owner --no-privileges --no-tablespaces"
        + " --no-publications --no-subscriptions --format custom --host 127.0.0.1 --port " + pg.scratch.getPort()
        + " --username sbtc_verifier --dbname sbtc_verify_"), lines.get(0));
    // No path: the dump comes on standard input from the file as the verifier opened it (no link
    // followed), so a link swapped into the directory after the check is never opened by pg_restore.
    assertFalse(lines.get(0).contains(dir.toString()), lines.get(0));
    assertArrayEquals(Files.readAllBytes(custom), Files.readAllBytes(dir.resolve("seen.txt.stdin")));
    assertEquals("PGPASSWORD=unset", lines.get(1));
    assertEquals("mode: 600", lines.get(2));
    assertTrue(lines.get(3).startsWith("passfile: " + tmp), lines.get(3));
    // libpq's escapes: backslash before ':' and '\\'.
    assertEquals("*:*:*:*:veri\\:fier\\\\pw-c09a\n", Files.readString(dir.resolve("seen.txt.pgpass")));
    try (var left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "the password file must be deleted after the run");
    }
  }

  // --- helpers

  /** @param verifyKeys extra or replacing keys of the verify section, like {@code "timeout: 2s"} */
  private VerifyOutcome verify(Path backup, String... verifyKeys) {
    ExporterConfig config = config(backup.getParent(), pg.signerUrl(), verifyKeys);
    return new BackupVerifier(config.sections(BackupConfig.class).get(0), config.section(SignerDbConfig.class), dir, Clock.systemUTC()).run();
  }

  private ExporterConfig config(Path backupDir, String signerUrl, String... verifyKeys) {
    return VerifyConfig.of(signerUrl, pg.exporterPasswordFile(), pg.scratchUrl(), pg.verifierPasswordFile(), backupDir, verifyKeys);
  }

  private Path copy(Path from, String name) throws IOException {
    return Files.copy(from, dir.resolve(name));
  }

  /** A stand-in for pg_restore that answers {@code --version} as the machine's does, then runs {@code body}. */
  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'pg_restore (PostgreSQL) 15.18'; exit 0; fi\n" + body);
    p.toFile().setExecutable(true);
    return p;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
