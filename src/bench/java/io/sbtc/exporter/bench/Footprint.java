package io.sbtc.exporter.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the memory of running JVMs goes, side by side: what Native Memory Tracking says each part
 * committed ({@code jcmd VM.native_memory detail}), and how much of it is really resident, page by
 * page from {@code /proc/PID/pagemap}. Resident memory outside NMT's virtual memory map is the C heap
 * (everything the JVM mallocs, glibc's free lists and NMT's own bookkeeping), shared libraries and
 * mapped files. The JVMs must run with {@code -XX:NativeMemoryTracking=detail}.
 *
 * <p>Usage: {@code Footprint LABEL=PID=RSS_CSV...}; prints a Markdown table, sizes in MiB. RSS_CSV is
 * SteadyScraper's record of the process's RSS every 5 s, for a mean over the last minute: one moment's
 * RSS swings by a few MiB with the direct buffers that wait for a GC to free them.
 */
public final class Footprint {
  private static final int PAGE = 4096;
  private static final Pattern REGION = Pattern.compile("^\\[0x([0-9a-f]+) - 0x([0-9a-f]+)\\] reserved \\d+KB for (.+?) from", Pattern.MULTILINE);
  private static final Pattern SUMMARY = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);
  private static final Pattern THREADS = Pattern.compile("\\(thread #(\\d+)\\)");
  /** The rows of the table: NMT's categories in this order, then what lies outside its map. */
  private static final List<String> ROWS = List.of(
      "Java Heap", "Shared class space", "Metaspace", "Class", "Symbol", "Code", "Compiler", "Arena Chunk", "Thread",
      "GC", "Other", "Internal", "Native Memory Tracking");
  private static final Pattern TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB", Pattern.MULTILINE);

  private Footprint() {}

  /** One JVM: NMT's committed KiB per category, resident KiB per NMT region category and per mapping outside them. */
  record Measured(Map<String, Long> committed, Map<String, Long> resident, long threads, long rssKib, long rssLastMinuteKib) {}

  public static void main(String[] args) throws Exception {
    Map<String, Measured> all = new LinkedHashMap<>();
    for (String arg : args) {
      int csv = arg.lastIndexOf('=');
      int pid = arg.lastIndexOf('=', csv - 1);
      all.put(arg.substring(0, pid), measure(Long.parseLong(arg.substring(pid + 1, csv)), Path.of(arg.substring(csv + 1))));
    }
    System.out.print(table(all));
  }

  static Measured measure(long pid, Path rssCsv) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "VM.native_memory", "detail").redirectErrorStream(true).start();
    String nmt = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor();
    if (!nmt.contains("Virtual memory map")) {
      throw new IllegalStateException("no NMT detail from process " + pid + " (run it with -XX:NativeMemoryTracking=detail):\n" + nmt);
    }
    Map<String, Long> committed = new LinkedHashMap<>();
    Matcher s = SUMMARY.matcher(nmt);
    while (s.find()) {
      committed.merge(s.group(1).strip(), Long.parseLong(s.group(2)), Long::sum);
    }
    Matcher total = TOTAL.matcher(nmt);
    committed.put("Total", total.find() ? Long.parseLong(total.group(1)) : -1);
    Matcher t = THREADS.matcher(nmt);
    long threads = t.find() ? Long.parseLong(t.group(1)) : -1;

    List<long[]> covered = new ArrayList<>();
    Map<String, Long> resident = new TreeMap<>();
    try (RandomAccessFile pagemap = new RandomAccessFile("/proc/" + pid + "/pagemap", "r")) {
      Matcher r = REGION.matcher(nmt);
      while (r.find()) {
        long start = Long.parseUnsignedLong(r.group(1), 16);
        long end = Long.parseUnsignedLong(r.group(2), 16);
        String category = r.group(3).equals("Thread Stack") ? "Thread" : r.group(3);
        resident.merge(category, residentKib(pagemap, start, end), Long::sum);
        covered.add(new long[] {start, end});
      }
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
        String[] f = line.trim().split("\\s+", 6);
        String[] range = f[0].split("-");
        long start = Long.parseUnsignedLong(range[0], 16);
        long end = Long.parseUnsignedLong(range[1], 16);
        String name = f.length > 5 ? f[5] : "";
        if (name.equals("[vsyscall]")) {
          continue;
        }
        long kib = residentKib(pagemap, start, end);
        for (long[] c : covered) {
          long a = Math.max(start, c[0]);
          long b = Math.min(end, c[1]);
          if (a < b) {
            kib -= residentKib(pagemap, a, b);
          }
        }
        if (kib > 0) {
          resident.merge(outsideNmt(name), kib, Long::sum);
        }
      }
    }
    Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
    List<String> samples = Files.readAllLines(rssCsv).stream().skip(1).toList();
    long lastMinute = (long) samples.subList(Math.max(0, samples.size() - 12), samples.size()).stream()
        .mapToLong(l -> Long.parseLong(l.split(",")[1])).average().orElse(-1);
    return new Measured(committed, resident, threads, rss.find() ? Long.parseLong(rss.group(1)) : -1, lastMinute);
  }

  private static String outsideNmt(String mapping) {
    if (mapping.isEmpty() || mapping.equals("[heap]")) {
      return "C heap: malloc (the JVM's own, glibc's free lists, NMT's bookkeeping)";
    }
    if (mapping.endsWith("/lib/modules")) {
      return "Java runtime image (lib/modules)";
    }
    if (mapping.contains(".so") || mapping.endsWith("/bin/java")) {
      return "Shared libraries (libjvm.so, libc, ...)";
    }
    return "Other mappings (stacks of the launcher thread, locale files, perf data)";
  }

  private static long residentKib(RandomAccessFile pagemap, long start, long end) throws IOException {
    long pages = (end - start) / PAGE;
    long present = 0;
    byte[] chunk = new byte[8 * 4096];
    ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (long done = 0; done < pages; ) {
      int n = (int) Math.min(4096, pages - done);
      pagemap.seek((start / PAGE + done) * 8);
      pagemap.readFully(chunk, 0, n * 8);
      for (int i = 0; i < n; i++) {
        if (buf.getLong(i * 8) < 0) { // bit 63: page present
          present++;
        }
      }
      done += n;
    }
    return present * PAGE / 1024;
  }

  static String table(Map<String, Measured> all) {
    StringBuilder out = new StringBuilder("| Where the memory is | ");
    all.keySet().forEach(label -> out.append(label).append(" | "));
    out.append('\n').append("| --- |").append(" ---: |".repeat(all.size())).append('\n');
    row(out, "**RSS, mean of the last minute**", all, m -> "**" + mib(m.rssLastMinuteKib()) + "**");
    row(out, "RSS at the end (the moment of the rows below)", all, m -> mib(m.rssKib()));
    row(out, "NMT total committed", all, m -> mib(m.committed().get("Total")));
    row(out, "Threads", all, m -> Long.toString(m.threads()));
    for (String category : ROWS) {
      row(out, category + ": NMT committed / resident", all, m -> {
        Long c = m.committed().get(category);
        Long r = m.resident().get(category);
        return (c == null ? "—" : mib(c)) + " / " + (r == null ? "—" : mib(r));
      });
    }
    List<String> outside = all.values().stream().flatMap(m -> m.resident().keySet().stream())
        .filter(k -> !ROWS.contains(k)).distinct().sorted().toList();
    for (String where : outside) {
      row(out, where + ": resident", all, m -> mib(m.resident().getOrDefault(where, 0L)));
    }
    return out.toString();
  }

  private interface Cell {
    String of(Measured m);
  }

  private static void row(StringBuilder out, String name, Map<String, Measured> all, Cell cell) {
    out.append("| ").append(name).append(" | ");
    all.values().forEach(m -> out.append(cell.of(m)).append(" | "));
    out.append('\n');
  }

  private static String mib(long kib) {
    return String.format("%.1f", kib / 1024.0);
  }
}
