package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.config.PgUrl;
import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.ConfinedDirectory;
import io.sbtc.exporter.source.postgres.PgConnector;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.source.postgres.SqlErrors;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/**
 * One verification of the newest backup, start to end: wait until it is completely written,
 * restore it into a new database on the scratch server, check the copy, compare its DKG key with
 * the live database's, and drop the copy again whatever happened. Blocking, for minutes: runs on
 * a worker of its own.
 */
public final class BackupVerifier {
  private static final System.Logger LOG = System.getLogger(BackupVerifier.class.getName());
  /** The longest the checks of a restored copy may take, within what is left of the verify timeout. */
  private static final Duration CHECK_COPY_LIMIT = Duration.ofMinutes(5);

  private final BackupConfig backup;
  private final BackupVerifyConfig verify;
  private final Optional<SignerDbConfig> live;
  private final ScratchServer scratch;
  private final Path tempDir;
  private final Clock clock;
  private final AtomicReference<Process> tool = new AtomicReference<>();
  private volatile boolean stopping;

  /** @param tempDir where the short-lived password file for pg_restore/psql is created */
  public BackupVerifier(BackupConfig backup, Optional<SignerDbConfig> live, Path tempDir, Clock clock) {
    this.backup = backup;
    this.verify = backup.verify().orElseThrow();
    this.live = live;
    this.scratch = new ScratchServer(verify, backup.name());
    this.tempDir = tempDir;
    this.clock = clock;
  }

  /**
   * Ends a run in progress soon, for shutdown: the restore tool is killed (it would otherwise
   * outlive the exporter and keep writing to the scratch server) and the run drops its database.
   */
  public void stop() {
    stopping = true;
    Process p = tool.get();
    if (p != null) {
      p.destroyForcibly();
    }
  }

  /** One verification within the configured verify timeout. */
  public VerifyOutcome run() {
    return run(Deadline.after(verify.schedule().timeout()));
  }

  /** One verification, ended (the tool stopped, the copy dropped) at {@code deadline}. */
  public VerifyOutcome run(Deadline deadline) {
    long started = System.nanoTime();
    List<SourceException> infrastructure = new ArrayList<>();
    Optional<FailureReason> failure = Optional.empty();
    String message;
    String database = null;
    DumpOrigin origin = DumpOrigin.UNKNOWN;
    Optional<String> reader = Optional.empty();
    Optional<PgVersion> toolVersion = Optional.empty();
    AtomicReference<String> scratchVersion = new AtomicReference<>();
    try {
      BackupFiles.BackupFile file = settledNewest(deadline);
      DumpFormat format = DumpFormat.of(file.path());
      origin = DumpOrigin.read(file.path(), format);
      String program = format.usesPgRestore() ? verify.pgRestore() : verify.psql();
      reader = Optional.of(format.usesPgRestore() ? "pg_restore" : "psql");
      ToolVersion.Answer answer = ToolVersion.of(program, deadline);
      toolVersion = answer.version();
      if (format.usesPgRestore()) {
        requireReadable(origin, answer);
      } else {
        PsqlRestrictedMode.requireSupport(program, answer);
      }
      checkNotStopping();
      database = scratch.create(clock.instant(), deadline, origin.server(), scratchVersion::set);
      restore(file.path(), format, database, deadline);
      checkNotStopping();
      Optional<byte[]> restoredKey = checkCopy(database, deadline);
      compareWithLive(restoredKey, deadline);
      message = "restored " + file.path() + " (" + format.name().toLowerCase(Locale.ROOT) + ", " + file.size() + " bytes) and checked it";
    } catch (VerifyFailure f) {
      failure = Optional.of(f.reason());
      message = f.getMessage();
      f.infrastructure().ifPresent(infrastructure::add);
    } catch (IOException e) {
      failure = Optional.of(FailureReason.NO_BACKUP);
      message = "cannot read the newest backup (" + e.getClass().getSimpleName() + ")";
    } catch (RuntimeException e) {
      failure = Optional.of(FailureReason.INTERNAL);
      message = "unexpected " + e.getClass().getSimpleName();
      LOG.log(Level.ERROR, "backup=" + backup.name() + " msg=\"verification failed unexpectedly\"", e);
    } finally {
      tool.set(null);
      if (database != null) {
        scratch.dropQuietly(database).ifPresent(infrastructure::add);
      }
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (failure.isPresent()) {
      LOG.log(Level.WARNING, "backup={0} reason={1} msg=\"backup verification failed: {2}\"", backup.name(), failure.get().label(), message);
    } else {
      LOG.log(Level.INFO, "backup={0} msg=\"backup verified: {1}\" took={2}ms", backup.name(), message, took.toMillis());
    }
    infrastructure.forEach(e -> LOG.log(Level.WARNING, "backup={0} reason={1} msg=\"{2}\"", backup.name(), e.reason().label(), e.getMessage()));
    RestoreVersions versions = new RestoreVersions(origin, reader, toolVersion, Optional.ofNullable(scratchVersion.get()));
    return new VerifyOutcome(clock.instant(), took, failure, message, infrastructure, versions);
  }

  /**
   * pg_restore reads archives of its own major version and older only: a newer archive format is
   * refused outright, and a newer pg_dump's SQL is not something an older pg_restore knows how to
   * apply. When the archive or pg_restore does not say its version, pg_restore is left to judge.
   */
  private static void requireReadable(DumpOrigin origin, ToolVersion.Answer pgRestore) throws VerifyFailure {
    if (origin.pgDump().isEmpty() || pgRestore.version().isEmpty()) {
      return;
    }
    int dumpMajor = origin.pgDump().get().major();
    int toolMajor = pgRestore.version().get().major();
    if (dumpMajor > toolMajor) {
      throw new VerifyFailure(FailureReason.DUMP_TOO_NEW, "the dump was made by pg_dump " + dumpMajor + "; pg_restore " + toolMajor
          + " cannot read it: set verify.pg_restore to a pg_restore " + dumpMajor + " or newer");
    }
  }

  /** The newest backup once its size and time stayed the same for settle_time: never one still being written. */
  private BackupFiles.BackupFile settledNewest(Deadline deadline) throws VerifyFailure {
    BackupFiles.BackupFile seen;
    try {
      seen = BackupFiles.scan(backup.path().toAbsolutePath(), backup.pattern()).newest();
    } catch (BackupFiles.Problem p) {
      throw new VerifyFailure(FailureReason.NO_BACKUP, p.getMessage());
    }
    Duration settle = verify.settleTime();
    while (true) {
      if (deadline.remaining().compareTo(settle) < 0) {
        throw new VerifyFailure(FailureReason.STILL_BEING_WRITTEN,
            "backup " + seen.path() + " kept changing until the verify timeout: it is still being written");
      }
      sleep(settle);
      Optional<BackupFiles.BackupFile> now;
      try {
        now = BackupFiles.stat(seen.path());
      } catch (BackupFiles.Problem p) {
        throw new VerifyFailure(FailureReason.NO_BACKUP, p.getMessage());
      }
      if (now.isEmpty()) {
        throw new VerifyFailure(FailureReason.NO_BACKUP, "backup " + seen.path() + " disappeared while waiting for it to settle");
      }
      if (now.get().equals(seen)) {
        return seen;
      }
      seen = now.get();
    }
  }

  private void restore(Path file, DumpFormat format, String database, Deadline deadline) throws VerifyFailure {
    PgUrl s = verify.scratchUrl();
    List<String> connection = List.of("--host", s.host(), "--port", Integer.toString(s.port()), "--username", s.user(), "--dbname", database);
    List<String> command = new ArrayList<>();
    if (format.usesPgRestore()) {
      command.addAll(List.of(verify.pgRestore(), "--no-password", "--exit-on-error", "--no-owner", "--no-privileges",
          "--no-tablespaces", "--no-publications", "--no-subscriptions"));
      command.addAll(connection);
      command.add(file.toAbsolutePath().toString()); // absolute, so it can never read as an option
      RestoreProcess.run(command, s, verify.password(), tempDir, deadline, null, this::started);
      return;
    }
    command.addAll(List.of(verify.psql(), "--no-psqlrc", "--no-password", "--quiet", "--set", "ON_ERROR_STOP=1"));
    command.addAll(connection);
    command.addAll(List.of("--file", "-"));
    String key = PsqlRestrictedMode.newKey();
    Optional<PlainSqlFilter.Result> fed = RestoreProcess.run(command, s, verify.password(), tempDir, deadline, stdin -> {
      // Restricted before the backup's first byte; ON_ERROR_STOP ends psql if it refuses this line.
      stdin.write(PsqlRestrictedMode.enter(key));
      try (InputStream in = open(file, format)) {
        return PlainSqlFilter.copy(in, stdin);
      }
    }, this::started);
    if (fed.isPresent() && !fed.get().complete()) {
      throw new VerifyFailure(FailureReason.INCOMPLETE_DUMP,
          "backup " + file + " ends without pg_dump's closing line after " + fed.get().lines() + " lines: it was cut short");
    }
  }

  private void started(Process p) {
    tool.set(p);
    if (stopping) {
      p.destroyForcibly(); // stop() came between the start and this line
    }
  }

  private void checkNotStopping() throws VerifyFailure {
    if (stopping) {
      throw new VerifyFailure(FailureReason.TIMEOUT, "the exporter is stopping");
    }
  }

  private static InputStream open(Path file, DumpFormat format) throws IOException {
    InputStream raw = new BufferedInputStream(ConfinedDirectory.open(file), 1 << 16);
    if (format != DumpFormat.GZIP_SQL) {
      return raw;
    }
    try {
      return new GZIPInputStream(raw, 1 << 16);
    } catch (IOException e) {
      raw.close();
      throw new PlainSqlFilter.InputBroken(e);
    }
  }

  private Optional<byte[]> checkCopy(String database, Deadline deadline) throws VerifyFailure {
    try (Connection c = scratch.connect(database, deadline)) {
      return RestoredCopy.check(c, deadline.forStep(CHECK_COPY_LIMIT));
    } catch (SQLException e) {
      if (deadline.passed()) {
        throw new VerifyFailure(FailureReason.TIMEOUT, "checking the restored copy did not finish within the verify timeout");
      }
      SourceException cause = SqlErrors.classify(e, scratch.where(), "check the restored copy");
      throw new VerifyFailure(FailureReason.SCRATCH_UNAVAILABLE, cause.getMessage(), cause);
    }
  }

  /**
   * The backup is only as good as the key it holds: a backup from before the latest DKG round
   * restores a signer that can no longer sign. Without signer_db there is nothing to compare with.
   */
  private void compareWithLive(Optional<byte[]> restored, Deadline deadline) throws VerifyFailure {
    if (live.isEmpty()) {
      return;
    }
    SignerDbConfig db = live.get();
    Optional<byte[]> current;
    try (Connection c = PgConnector.open(db.url(), db.password(), deadline.forStep(db.schedule().timeout()), true)) {
      current = RestoredCopy.latestVerifiedKey(c, (int) Math.max(1, db.schedule().timeout().toSeconds()));
    } catch (SQLException e) {
      SourceException cause = SqlErrors.classify(e, db.url().where(), "read the live DKG key");
      throw new VerifyFailure(FailureReason.LIVE_DB_UNAVAILABLE, cause.getMessage(), cause);
    }
    boolean same = restored.isPresent() == current.isPresent()
        && (restored.isEmpty() || Arrays.equals(restored.get(), current.get()));
    if (!same) {
      throw new VerifyFailure(FailureReason.AGGREGATE_KEY_MISMATCH, "the backup's latest verified DKG aggregate key is "
          + describe(restored) + " but the live database's is " + describe(current) + ": the backup predates the current DKG shares");
    }
  }

  private static String describe(Optional<byte[]> key) {
    if (key.isEmpty()) {
      return "none";
    }
    String hex = HexFormat.of().formatHex(key.get());
    return hex.length() > 16 ? hex.substring(0, 16) + "..." : hex;
  }

  /** Sleeps in short slices, so that {@link #stop()} does not wait out a long settle_time. */
  private void sleep(Duration d) throws VerifyFailure {
    long end = System.nanoTime() + d.toNanos();
    try {
      for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
        checkNotStopping();
        Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VerifyFailure(FailureReason.TIMEOUT, "interrupted while waiting for the backup to settle");
    }
  }

  public BackupConfig backup() {
    return backup;
  }
}
