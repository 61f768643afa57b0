package io.sbtc.exporter.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scrapes a URL at a steady rate for a while and follows a process's memory: its RSS every few
 * seconds, and its live heap (after a forced full GC) at the settle point and at the end. RSS is
 * read before each forced GC, so the GC does not flatter it.
 *
 * <p>Usage: {@code SteadyScraper URL PER_SECOND SECONDS SETTLE_SECONDS PID CSV_FILE [rss-only]}; prints
 * {@code key value} lines. {@code rss-only} is for a process that is not a JVM (node_exporter): no
 * jcmd, whose attach would send it a SIGQUIT.
 */
public final class SteadyScraper {
  private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
  private static final Pattern GENERATION_USED = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K");

  private SteadyScraper() {}

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    int perSecond = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    long settleSeconds = Long.parseLong(args[3]);
    long pid = Long.parseLong(args[4]);
    Path csv = Path.of(args[5]);
    boolean jvm = !(args.length > 6 && args[6].equals("rss-only"));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest scrape = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build();

    long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    long start = System.nanoTime();
    long next = start;
    long nextSample = 0;
    long scrapes = 0;
    long failures = 0;
    long maxRss = 0;
    long settleRss = -1;
    long settleHeap = -1;
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
      out.println("seconds,rss_kib");
      while (true) {
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        if (elapsed >= nextSample) {
          long rss = rssKib(pid);
          maxRss = Math.max(maxRss, rss);
          out.println(elapsed + "," + rss);
          out.flush();
          nextSample += 5;
        }
        if (settleRss < 0 && elapsed >= settleSeconds) {
          settleRss = rssKib(pid);
          settleHeap = jvm ? liveHeapKib(pid) : -1;
        }
        if (elapsed >= seconds) {
          break;
        }
        try {
          if (client.send(scrape, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
            failures++;
          }
        } catch (IOException e) {
          failures++;
        }
        scrapes++;
        next += periodNanos;
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep);
        }
      }
    }
    long endRss = rssKib(pid);
    long endHeap = jvm ? liveHeapKib(pid) : -1;
    System.out.println("scrapes " + scrapes);
    System.out.println("failures " + failures);
    System.out.println("rate_per_second " + String.format("%.1f", scrapes * 1e9 / (System.nanoTime() - start)));
    System.out.println("rss_settle_kib " + settleRss);
    System.out.println("rss_end_kib " + endRss);
    System.out.println("rss_max_kib " + Math.max(maxRss, endRss));
    System.out.println("live_heap_settle_kib " + settleHeap);
    System.out.println("live_heap_end_kib " + endHeap);
  }

  static long rssKib(long pid) throws IOException {
    Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    if (!m.find()) {
      throw new IllegalStateException("no VmRSS for process " + pid);
    }
    return Long.parseLong(m.group(1));
  }

  /** Young plus old generation in use right after a full GC (Serial and Parallel GC print their generations like this). */
  static long liveHeapKib(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    Matcher m = GENERATION_USED.matcher(jcmd(pid, "GC.heap_info"));
    long used = 0;
    boolean found = false;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
      found = true;
    }
    return found ? used : -1;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }
}
