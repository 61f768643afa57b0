package io.sbtc.exporter.source.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.testing.PgTools;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Backup files written by someone who wants the exporter to run their commands. The backup
 * directory is only as trusted as whoever can write to it; restore verification must not turn
 * write access there into a shell as the exporter's user. Real psql, real scratch server.
 */
class HostileBackupTest {
  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  static SignerPostgres pg;

  @BeforeAll
  static void start() {
    PgTools.requireAll("pg_dump", "psql");
    pg = SignerPostgres.start(shared.resolve("pg"));
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

  /**
   * psql reads a meta-command wherever a backslash stands outside quotes, not only at a line's start
   * (psql's lexer, src/fe_utils/psqlscan.l, rule for {@code \\} in the initial state). Each script
   * tries one way to the shell; {@code MARKER} is the file the shell would create.
   */
  static Stream<String> shellEscapes() {
    return Stream.of(
        "SELECT 1; \\! touch MARKER\n",
        " \\! touch MARKER\n",
        "\t\\! touch MARKER\n",
        "SELECT 1 \\g |touch MARKER\n",
        "SELECT 1; \\o |touch MARKER\nSELECT 2;\n",
        "SELECT 1; \\set x `touch MARKER`\n",
        "SELECT 1; \\copy (SELECT 1) TO PROGRAM 'touch MARKER'\n",
        // The file brings its own restricted mode and leaves it with the key it chose.
        "\\restrict abc123\nSELECT 1; \\unrestrict abc123\nSELECT 2; \\! touch MARKER\n",
        "\\restrict abc123\n\\unrestrict abc123\nSELECT 1; \\! touch MARKER\n",
        "SELECT 1; \\unrestrict abc123\nSELECT 2; \\! touch MARKER\n");
  }

  @ParameterizedTest
  @MethodSource("shellEscapes")
  void aPlainBackupCannotRunAShellCommand(String escape) throws IOException {
    Path marker = dir.resolve("marker");
    String script = "SET client_encoding = 'UTF8';\n" + escape.replace("MARKER", marker.toString())
        + "SELECT 3;\n" + PlainSqlFilter.COMPLETE_MARKER + "\n";
    VerifyOutcome outcome = verify(Files.writeString(dir.resolve("signer-20260722.sql"), script), pg.verifierPasswordFile());
    assertFalse(Files.exists(marker), "psql ran a shell command from the backup: " + outcome.message());
    assertEquals(Optional.of(FailureReason.UNSUPPORTED_DUMP), outcome.failure(), outcome.message());
  }

  @Test
  void aPsqlWithoutRestrictedModeIsNeverFedPlainSql() throws IOException {
    Path ran = dir.resolve("ran");
    Path oldPsql = dir.resolve("psql-15.13");
    Files.writeString(oldPsql, """
        #!/bin/sh
        if [ "$1" = "--version" ]; then echo "psql (PostgreSQL) 15.13 (Debian 15.13-0+deb12u1)"; exit 0; fi
        touch "%s"
        cat > /dev/null
        """.formatted(ran));
    assertTrue(oldPsql.toFile().setExecutable(true));
    Path backup = Files.writeString(dir.resolve("signer-20260722.sql"), "SELECT 1;\n" + PlainSqlFilter.COMPLETE_MARKER + "\n");
    VerifyOutcome outcome = verify(backup, pg.verifierPasswordFile(), "psql: \"" + oldPsql + "\"");
    assertEquals(Optional.of(FailureReason.TOOL_TOO_OLD), outcome.failure(), outcome.message());
    assertEquals(oldPsql + " is PostgreSQL 15.13, which cannot lock out psql commands (\\restrict); plain SQL backups"
        + " are restored only with psql 13.22, 14.19, 15.14, 16.10, 17.6, 18 or later", outcome.message());
    assertFalse(Files.exists(ran), "the old psql was started on the backup");
  }

  /**
   * Whatever psql does, the backup's SQL runs on the scratch server as the scratch user, and SQL
   * can run programs there (COPY ... TO PROGRAM) when that user is a superuser or a member of
   * pg_execute_server_program, or read and write the server's files with pg_read_server_files and
   * pg_write_server_files. docs/database.md asks for a user with LOGIN CREATEDB only; one with more
   * is refused before anything is restored, for archives too (pg_restore runs the same SQL).
   */
  @ParameterizedTest
  @ValueSource(strings = {"superuser", "pg_execute_server_program", "pg_write_server_files", "CREATEROLE"})
  void aScratchUserThatCouldRunProgramsOrWriteFilesIsRefused(String power) throws IOException {
    Path marker = Files.createDirectories(shared.resolve("markers")).resolve(power);
    marker.getParent().toFile().setWritable(true, false);
    String user = "postgres";
    String password = "";
    if (!power.equals("superuser")) {
      user = "sbtc_" + power.toLowerCase(java.util.Locale.ROOT);
      // Before PostgreSQL 16, CREATEROLE may grant itself pg_execute_server_program.
      String grant = power.equals("CREATEROLE") ? "CREATEROLE" : "IN ROLE " + power;
      pg.exec(pg.scratch, "postgres", "CREATE ROLE " + user + " LOGIN CREATEDB PASSWORD 'pw-" + user + "' " + grant);
      password = "password_file: \"" + Files.writeString(dir.resolve("pw"), "pw-" + user + "\n") + "\"";
    }
    String copy = power.equals("pg_write_server_files") ? "COPY (SELECT 1) TO '" + marker + "'" : "COPY (SELECT 1) TO PROGRAM 'touch " + marker + "'";
    String script = copy + ";\n" + PlainSqlFilter.COMPLETE_MARKER + "\n";
    VerifyOutcome outcome = verify(Files.writeString(dir.resolve("signer-20260722.sql"), script),
        "postgresql://" + user + "@127.0.0.1:" + pg.scratch.getPort() + "/postgres", password);
    assertFalse(Files.exists(marker), "the backup ran a program on the scratch server's host: " + outcome.message());
    assertEquals(Optional.of(FailureReason.SCRATCH_TOO_PRIVILEGED), outcome.failure(), outcome.message());
    assertTrue(outcome.message().startsWith("the scratch user " + user + " "), outcome.message());
  }

  /**
   * A link in the backup directory to a file the exporter's user can read elsewhere (a secret, the
   * signer's key) must not be restored: psql's errors quote what it was fed, and they reach the
   * log and the landing page.
   */
  @Test
  void aLinkOutOfTheBackupDirectoryIsNeverRestored(@TempDir Path elsewhere) throws IOException {
    Path secret = Files.writeString(elsewhere.resolve("shadow"), "planted4f1cSecret:$6$xyz:19000:0:99999:7:::\n");
    Path backups = Files.createDirectory(dir.resolve("backups"));
    Files.createSymbolicLink(backups.resolve("signer-20260723.sql"), secret);
    VerifyOutcome outcome = verifyIn(backups);
    assertEquals(Optional.of(FailureReason.NO_BACKUP), outcome.failure(), outcome.message());
    assertEquals("no file matching \"signer-*\" in " + backups + " (1 links out of the directory, not followed)", outcome.message());
  }

  /** The link is skipped and the real backup beside it verified; a link to a sibling is an ordinary file. */
  @Test
  void theBackupBesideALinkOutIsVerified(@TempDir Path elsewhere) throws IOException {
    Path backups = Files.createDirectory(dir.resolve("backups"));
    Path real = pg.dump(SignerPostgres.SIGNER_DB, "p", backups.resolve("signer-20260722.sql"));
    Files.setLastModifiedTime(real, java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2026-07-22T03:00:00Z")));
    Files.createSymbolicLink(backups.resolve("signer-latest.sql"), real.getFileName());
    Path secret = Files.writeString(elsewhere.resolve("shadow"), "planted4f1cSecret:$6$xyz:19000:0:99999:7:::\n");
    Files.createSymbolicLink(backups.resolve("signer-20260723.sql"), secret);
    VerifyOutcome outcome = verifyIn(backups);
    assertEquals(Optional.empty(), outcome.failure(), outcome.message());
    assertTrue(outcome.message().startsWith("restored " + real.toRealPath()), outcome.message());
  }

  // --- helpers

  private VerifyOutcome verifyIn(Path backups) {
    String yaml = """
        backups:
          - name: signer-db
            path: "%s"
            pattern: "signer-*"
            verify:
              scratch_url: "%s"
              password_file: "%s"
              settle_time: 50ms
        """.formatted(backups, pg.scratchUrl(), pg.verifierPasswordFile());
    ExporterConfig config = ConfigLoader.parse("test.yml", yaml, System::getenv);
    VerifyOutcome outcome = new BackupVerifier(config.sections(BackupConfig.class).get(0), Optional.empty(), dir, Clock.systemUTC()).run();
    assertFalse(outcome.message().contains("planted4f1cSecret"), outcome.message());
    return outcome;
  }

  private VerifyOutcome verify(Path backup, Path passwordFile, String... verifyKeys) {
    return verify(backup, pg.scratchUrl(), "password_file: \"" + passwordFile + "\"", verifyKeys);
  }

  private VerifyOutcome verify(Path backup, String scratchUrl, String passwordLine, String... verifyKeys) {
    StringBuilder extra = new StringBuilder();
    for (String kv : verifyKeys) {
      extra.append("      ").append(kv).append('\n');
    }
    String yaml = """
        backups:
          - name: signer-db
            path: "%s"
            pattern: "signer-*"
            verify:
              scratch_url: "%s"
              %s
              settle_time: 50ms
        %s""".formatted(backup.getParent(), scratchUrl, passwordLine, extra);
    ExporterConfig config = ConfigLoader.parse("test.yml", yaml, System::getenv);
    return new BackupVerifier(config.sections(BackupConfig.class).get(0), Optional.empty(), dir, Clock.systemUTC()).run();
  }
}
