package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks {@code journalctl} for the newest and the oldest entry of one unit. Runs the binary directly
 * with an argument list (no shell), reads a bounded amount of its output, and kills it at the
 * deadline.
 */
final class Journalctl {
  private static final int MAX_STDERR = 4096;

  private final String binary;
  private final String unit;

  Journalctl(String binary, String unit) {
    this.binary = binary;
    this.unit = unit;
  }

  record Span(Optional<Instant> oldest, Optional<Instant> newest) {}

  /** The times of the unit's oldest and newest entry; both empty when it has none. Blocking. */
  Span span(Deadline deadline) {
    // -n 1 selects the most recent entry.
    Optional<Instant> newest = firstEntry(List.of("--lines=1", "--reverse"), deadline);
    if (newest.isEmpty()) {
      return new Span(Optional.empty(), Optional.empty());
    }
    // Without -n the output starts at the oldest entry: read its first line, then stop journalctl.
    // (-n +1 says this directly but is newer than the journalctl most hosts have.)
    return new Span(firstEntry(List.of(), deadline), newest);
  }

  List<String> command(List<String> extra) {
    List<String> cmd = new ArrayList<>(List.of(binary, "--unit=" + unit, "--output=json", "--no-pager", "--quiet"));
    cmd.addAll(extra);
    return cmd;
  }

  private Optional<Instant> firstEntry(List<String> extra, Deadline deadline) {
    Process p;
    try {
      p = new ProcessBuilder(command(extra)).start();
    } catch (IOException e) {
      throw new SourceException(ErrorReason.OTHER, "cannot run " + binary + " (" + e.getClass().getSimpleName()
          + "); is journalctl installed? Set journalctl: to its path");
    }
    AtomicBoolean killed = new AtomicBoolean();
    CompletableFuture.delayedExecutor(millisUntil(deadline), TimeUnit.MILLISECONDS).execute(() -> {
      if (p.isAlive()) {
        killed.set(true);
        stop(p);
      }
    });
    try {
      p.getOutputStream().close();
      List<String> lines = FirstLines.read(p.getInputStream(), 1);
      if (!lines.isEmpty()) {
        // One entry is all that is needed; the finally block stops journalctl before it prints more.
        return Optional.of(JournaldTimestamp.parse(lines.get(0)).orElseThrow(() -> new SourceException(ErrorReason.PARSE,
            "journalctl --unit=" + unit + " printed a line without __REALTIME_TIMESTAMP")));
      }
      String stderr = new String(p.getErrorStream().readNBytes(MAX_STDERR), StandardCharsets.UTF_8);
      boolean exited = p.waitFor(millisUntil(deadline), TimeUnit.MILLISECONDS);
      if (killed.get() || !exited) {
        throw timeout();
      }
      if (p.exitValue() != 0) {
        throw new SourceException(ErrorReason.OTHER, "journalctl --unit=" + unit + " exited with status " + p.exitValue()
            + describe(stderr));
      }
      if (!stderr.isBlank()) {
        // e.g. "No journal files were opened due to insufficient permissions.": not an empty journal
        throw new SourceException(ErrorReason.OTHER, "journalctl --unit=" + unit + " printed no entries" + describe(stderr));
      }
      return Optional.empty();
    } catch (IOException e) {
      if (killed.get()) {
        throw timeout();
      }
      throw new SourceException(ErrorReason.OTHER, "reading journalctl --unit=" + unit + " failed (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException(ErrorReason.OTHER, "interrupted while waiting for journalctl");
    } finally {
      stop(p);
    }
  }

  private SourceException timeout() {
    return new SourceException(ErrorReason.TIMEOUT, "journalctl --unit=" + unit + " did not finish within the timeout");
  }

  /** Stops the process and anything it started, which could otherwise hold its output pipes open. */
  private static void stop(Process p) {
    if (p.isAlive()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private static long millisUntil(Deadline deadline) {
    return Math.max(1, deadline.remaining().toMillis());
  }

  /** journalctl's first stderr line, printable ASCII only and short. */
  private static String describe(String stderr) {
    String first = stderr.strip().lines().findFirst().orElse("").replaceAll("[^\\x20-\\x7E]", "?");
    if (first.isEmpty()) {
      return "";
    }
    return ": " + (first.length() > 200 ? first.substring(0, 200) + "..." : first);
  }
}
