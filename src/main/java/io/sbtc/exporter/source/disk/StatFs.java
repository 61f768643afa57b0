package io.sbtc.exporter.source.disk;

import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The statfs(2) numbers of the filesystem that holds a path, read with {@code stat -f} (coreutils,
 * or BusyBox's, which takes the same short options and format letters).
 *
 * <p>Why a process: Java's {@code FileStore} has bytes but no inode counts, and reading
 * statvfs directly needs native code (JNI, or JNA's native stub unpacked at run time). {@code stat}
 * asks the kernel the same statfs(2) that {@code df} and {@code df -i} do. A process also keeps a
 * hung network mount from holding one of the exporter's threads forever: it is killed at the deadline.
 */
final class StatFs {
  /**
   * %S fundamental block size (the unit of the counts), %b total blocks, %a blocks free for
   * unprivileged users, %c total inodes, %d free inodes.
   */
  static final String FORMAT = "%S %b %a %c %d";
  private static final int MAX_OUTPUT = 4096;

  /** @param inodes total inodes; empty when the filesystem has no fixed number (btrfs, many network filesystems report 0) */
  record Usage(long sizeBytes, long availableBytes, OptionalLong inodes, OptionalLong inodesFree) {}

  private final String binary;

  StatFs(String binary) {
    this.binary = binary;
  }

  List<String> command(Path path) {
    return List.of(binary, "-f", "-c", FORMAT, "--", path.toString());
  }

  /** A started {@code stat -f}: its answer is read with {@link #finish}. */
  static final class Running {
    private final Path path;
    private final Process process;
    private final AtomicBoolean killed = new AtomicBoolean();
    private final long deadlineNanos;
    private final SourceException failedToStart;

    private Running(Path path, Process process, long deadlineNanos, SourceException failedToStart) {
      this.path = path;
      this.process = process;
      this.deadlineNanos = deadlineNanos;
      this.failedToStart = failedToStart;
    }
  }

  /**
   * Starts {@code stat -f} for {@code path}, to be killed at {@code deadlineNanos} (a
   * {@link System#nanoTime()} value). The caller starts every path before finishing any, so a hung
   * mount costs the others no time.
   */
  Running start(Path path, long deadlineNanos) {
    Process p;
    try {
      p = new ProcessBuilder(command(path)).start();
    } catch (IOException e) {
      return new Running(path, null, deadlineNanos, new SourceException(ErrorReason.OTHER, "cannot run " + binary
          + " (" + e.getClass().getSimpleName() + "); the disk source needs stat from coreutils or BusyBox"));
    }
    Running r = new Running(path, p, deadlineNanos, null);
    CompletableFuture.delayedExecutor(millisUntil(deadlineNanos), TimeUnit.MILLISECONDS).execute(() -> {
      if (p.isAlive()) {
        r.killed.set(true);
        p.destroyForcibly();
      }
    });
    return r;
  }

  /** Blocking: waits for the answer, at most until the deadline. */
  static Usage finish(Running r) {
    if (r.failedToStart != null) {
      throw r.failedToStart;
    }
    Process p = r.process;
    Path path = r.path;
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
      boolean exited = p.waitFor(millisUntil(r.deadlineNanos), TimeUnit.MILLISECONDS);
      if (r.killed.get() || !exited) {
        throw timeout(path);
      }
      if (p.exitValue() != 0) {
        throw new SourceException(ErrorReason.OTHER, path + ": stat -f exited with status " + p.exitValue() + describe(err));
      }
      return parse(out, path);
    } catch (IOException e) {
      if (r.killed.get()) {
        throw timeout(path);
      }
      throw new SourceException(ErrorReason.OTHER, path + ": reading stat -f failed (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SourceException(ErrorReason.OTHER, "interrupted while waiting for stat -f");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  static Usage parse(String out, Path path) {
    String[] f = out.strip().split(" ");
    if (f.length != 5) {
      throw new SourceException(ErrorReason.PARSE, path + ": stat -f printed " + f.length + " fields, not 5");
    }
    long[] n = new long[5];
    for (int i = 0; i < 5; i++) {
      try {
        n[i] = Long.parseLong(f[i]);
      } catch (NumberFormatException e) {
        throw new SourceException(ErrorReason.PARSE, path + ": stat -f printed something other than a number");
      }
      if (n[i] < 0) {
        throw new SourceException(ErrorReason.PARSE, path + ": stat -f printed a negative count");
      }
    }
    long block = n[0];
    if (block == 0) {
      throw new SourceException(ErrorReason.PARSE, path + ": stat -f printed a block size of 0");
    }
    try {
      long size = Math.multiplyExact(n[1], block);
      long available = Math.multiplyExact(n[2], block);
      boolean hasInodes = n[3] > 0;
      return new Usage(size, available, hasInodes ? OptionalLong.of(n[3]) : OptionalLong.empty(),
          hasInodes ? OptionalLong.of(n[4]) : OptionalLong.empty());
    } catch (ArithmeticException e) {
      throw new SourceException(ErrorReason.PARSE, path + ": stat -f printed a size beyond 2^63 bytes");
    }
  }

  private static SourceException timeout(Path path) {
    return new SourceException(ErrorReason.TIMEOUT, path + ": stat -f did not finish within the timeout (a hung mount?)");
  }

  private static long millisUntil(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  /** stat's first stderr line, printable ASCII only and short (it names the path, which is ours). */
  private static String describe(String stderr) {
    String first = stderr.strip().lines().findFirst().orElse("").replaceAll("[^\\x20-\\x7E]", "?");
    if (first.isEmpty()) {
      return "";
    }
    return ": " + (first.length() > 200 ? first.substring(0, 200) + "..." : first);
  }
}
