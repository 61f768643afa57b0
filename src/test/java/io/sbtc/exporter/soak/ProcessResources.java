package io.sbtc.exporter.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Threads, open file descriptors and live heap of a JVM on this host, read from /proc and jcmd. */
final class ProcessResources {
  /** A generation or heap line of GC.heap_info: "tenured generation   total 21888K, used 12345K [...". */
  private static final Pattern USED = Pattern.compile("(?:generation|heap)\\s+total \\d+K, used (\\d+)K");

  /** @param threadNames how many threads have each name (as /proc shows them, 15 characters at most, digits dropped) */
  record Sample(double atSeconds, int threads, long fds, long liveHeapKiB, Map<String, Integer> threadNames) {}

  private final long pid;
  private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

  ProcessResources(long pid) {
    this.pid = pid;
  }

  Sample sample(double atSeconds) throws IOException, InterruptedException {
    return new Sample(atSeconds, threads(), fds(), liveHeapKiB(), threadNames());
  }

  int threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring(8).trim());
      }
    }
    throw new IOException("no Threads: line for " + pid);
  }

  /** Thread names without their numbers ("vert.x-worker-thread-3" becomes "vert.x-worker-t"), counted: what grew, if anything did. */
  Map<String, Integer> threadNames() throws IOException {
    Map<String, Integer> names = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          names.merge(Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#"), 1, Integer::sum);
        } catch (IOException ended) {
          // the thread ended while being listed
        }
      }
    }
    return names;
  }

  long fds() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.count();
    }
  }

  /**
   * Heap in use right after a full collection: what is still reachable. The collection this forces
   * pauses the exporter for a moment; the soak reports the scrapes it overlapped separately.
   */
  long liveHeapKiB() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher m = USED.matcher(jcmd("GC.heap_info"));
    long used = 0;
    boolean found = false;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      found = true;
    }
    if (!found) {
      throw new IOException("jcmd GC.heap_info: no heap figures for " + pid);
    }
    return used;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + out);
    }
    return out;
  }
}
