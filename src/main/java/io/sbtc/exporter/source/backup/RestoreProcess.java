package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.config.PgUrl;
import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.core.Deadline;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs pg_restore or psql against the scratch server. No shell: the command is an argument list.
 * The password never appears in arguments or in the environment: libpq reads it from a
 * {@code PGPASSFILE} created with mode 0600 for this run and deleted after it. Inherited
 * {@code PG*} variables are removed so that nothing but the config decides where the tools connect.
 */
final class RestoreProcess {
  /** Feeds the tool's stdin (psql reading a plain dump); runs on a thread of its own. */
  interface Feeder {
    PlainSqlFilter.Result feed(OutputStream stdin) throws IOException, VerifyFailure;
  }

  /** psql's exit status when it could not connect. */
  private static final int PSQL_CONNECTION_FAILED = 2;
  private static final int MAX_ERROR_CHARS = 300;
  /** How long pg_restore and psql may take to connect, within what is left of the verify timeout. */
  private static final Duration CONNECT_LIMIT = Duration.ofSeconds(30);
  /**
   * pg_restore's words for an archive format newer than it knows (ReadHead in PostgreSQL's
   * src/bin/pg_dump/pg_backup_archiver.c): the last word when the archive's header did not say
   * which pg_dump wrote it, or pg_restore did not say its version.
   */
  private static final String NEWER_ARCHIVE = "unsupported version (";

  private RestoreProcess() {}

  /** @return what the feeder saw, when there is a feeder */
  /** @param started told about the process once it runs, so that it can be stopped from outside */
  static Optional<PlainSqlFilter.Result> run(List<String> command, PgUrl scratch, Optional<Secret> password, Path tempDir,
      Deadline deadline, Feeder feeder, Consumer<Process> started) throws VerifyFailure {
    Path passFile = null;
    try {
      passFile = password.isPresent() ? passFile(tempDir, password.get()) : null;
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
      environment(pb.environment(), scratch, passFile, deadline);
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        throw new VerifyFailure(FailureReason.TOOL_MISSING, "cannot run " + command.get(0) + " (" + e.getMessage() + ")");
      }
      started.accept(process);
      return supervise(process, command.get(0), deadline, feeder);
    } catch (IOException e) {
      throw new VerifyFailure(FailureReason.INTERNAL, "cannot prepare the restore: " + e.getClass().getSimpleName());
    } finally {
      if (passFile != null) {
        try {
          Files.deleteIfExists(passFile);
        } catch (IOException ignored) {
          // the temporary directory is private to the exporter's user; nothing better to do
        }
      }
    }
  }

  private static Optional<PlainSqlFilter.Result> supervise(Process process, String tool, Deadline deadline, Feeder feeder)
      throws VerifyFailure, IOException {
    StderrExcerpt stderr = new StderrExcerpt(process.getErrorStream());
    Thread drain = new Thread(stderr, "sbtc-restore-stderr");
    drain.setDaemon(true);
    drain.start();
    FutureTask<PlainSqlFilter.Result> feeding = null;
    if (feeder == null) {
      process.getOutputStream().close();
    } else {
      feeding = new FutureTask<>(() -> {
        try (OutputStream stdin = process.getOutputStream()) {
          return feeder.feed(stdin);
        }
      });
      Thread t = new Thread(feeding, "sbtc-restore-feed");
      t.setDaemon(true);
      t.start();
    }
    boolean exited;
    try {
      exited = process.waitFor(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exited = false;
    }
    if (!exited) {
      // Killing the tool also ends the feeder: its next write fails.
      process.destroyForcibly();
      awaitQuietly(process);
      throw new VerifyFailure(FailureReason.TIMEOUT, tool + " did not finish within the verify timeout and was stopped");
    }
    joinQuietly(drain);
    Optional<PlainSqlFilter.Result> fed = feeding == null ? Optional.empty() : Optional.ofNullable(fedResult(feeding));
    int code = process.exitValue();
    if (code != 0) {
      Optional<String> excerpt = stderr.excerpt();
      if (feeder != null && excerpt.isPresent() && refusedCommand(excerpt.get())) {
        throw new VerifyFailure(FailureReason.UNSUPPORTED_DUMP, "the backup has a psql command, and psql refused it (a backup may only hold SQL): "
            + excerpt.get().replaceFirst("^psql:<stdin>:\\d+: ", ""));
      }
      if (feeder == null && excerpt.isPresent() && excerpt.get().contains(NEWER_ARCHIVE)) {
        throw new VerifyFailure(FailureReason.DUMP_TOO_NEW, "a newer pg_dump made the dump; " + tool + " cannot read it: " + excerpt.get());
      }
      FailureReason reason = feeder != null && code == PSQL_CONNECTION_FAILED ? FailureReason.SCRATCH_UNAVAILABLE : FailureReason.RESTORE_FAILED;
      throw new VerifyFailure(reason, tool + " exited with " + code + excerpt.map(e -> ": " + e).orElse(""));
    }
    return fed;
  }

  /** psql's words (psql/command.c) for a meta-command refused in restricted mode, or a wrong key. */
  private static boolean refusedCommand(String error) {
    return error.contains("backslash commands are restricted") || error.contains("\\unrestrict: ");
  }

  /** The feeder's result; a failure to read the dump, or a dump refused by the filter, is the verdict. */
  private static PlainSqlFilter.Result fedResult(FutureTask<PlainSqlFilter.Result> feeding) throws VerifyFailure {
    try {
      return feeding.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof VerifyFailure f) {
        throw f;
      }
      if (e.getCause() instanceof PlainSqlFilter.InputBroken b) {
        throw new VerifyFailure(FailureReason.CORRUPT_FILE, "the backup cannot be read to the end (" + b.getMessage() + ")");
      }
      return null; // psql stopped reading (it exited); its exit status tells why
    } catch (TimeoutException | InterruptedException e) {
      return null;
    }
  }

  private static void environment(Map<String, String> env, PgUrl scratch, Path passFile, Deadline deadline) {
    env.keySet().removeIf(k -> k.startsWith("PG"));
    if (passFile != null) {
      env.put("PGPASSFILE", passFile.toString());
    }
    env.put("PGAPPNAME", "sbtc-signer-exporter-verify");
    env.put("PGCONNECT_TIMEOUT", Long.toString(Math.max(2, deadline.forStep(CONNECT_LIMIT).toSeconds())));
    scratch.param("sslmode").ifPresent(v -> env.put("PGSSLMODE", v));
    scratch.param("sslrootcert").ifPresent(v -> env.put("PGSSLROOTCERT", v));
    env.put("LC_MESSAGES", "C");
  }

  /** A password file that matches any server, used only by this one child process. */
  static Path passFile(Path dir, Secret password) throws IOException {
    Path file = Files.createTempFile(dir, "sbtc-pgpass-", ".conf",
        PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE)));
    String escaped = password.reveal().replace("\\", "\\\\").replace(":", "\\:");
    Files.writeString(file, "*:*:*:*:" + escaped + "\n", StandardCharsets.UTF_8);
    return file;
  }

  private static void awaitQuietly(Process p) {
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Keeps the first error line of the tool's stderr (and reads the rest, so the tool never blocks on a full pipe). */
  private static final class StderrExcerpt implements Runnable {
    private final InputStream in;
    private final List<String> firstLines = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile String error;

    StderrExcerpt(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (error == null && (line.contains("error:") || line.contains("ERROR:") || line.contains("FATAL:"))) {
            error = line.strip();
          }
          if (firstLines.size() < 3 && !line.isBlank()) {
            firstLines.add(line.strip());
          }
        }
      } catch (IOException ignored) {
        // the tool is gone; what was read is all there is
      }
    }

    Optional<String> excerpt() {
      String e;
      synchronized (firstLines) {
        e = error != null ? error : firstLines.isEmpty() ? null : String.join(" / ", firstLines);
      }
      if (e == null) {
        return Optional.empty();
      }
      return Optional.of(e.length() > MAX_ERROR_CHARS ? e.substring(0, MAX_ERROR_CHARS) + "..." : e);
    }
  }
}
