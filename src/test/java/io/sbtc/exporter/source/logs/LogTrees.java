package io.sbtc.exporter.source.logs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/** Writes log trees the way the components and logrotate/Docker leave them, in the real line formats. */
final class LogTrees {
  private LogTrees() {}

  static String signerJson(Instant t) {
    return "{\"timestamp\":\"" + t + "\",\"level\":\"INFO\",\"message\":\"observed new bitcoin block from stream\","
        + "\"target\":\"signer::block_observer\",\"filename\":\"signer/src/block_observer.rs\",\"line_number\":171,"
        + "\"spans\":[{\"name\":\"signer\"},{\"name\":\"block-observer\"}]}";
  }

  static String bitcoind(Instant t) {
    return t + " UpdateTip: new best=0000000000000000000ca5bfd2682b7c9dcf09f85e01b30e2f1b82e8aa7ae036 height=873000"
        + " version=0x2a200000 log2_work=95.348120 tx=1114873521 date='2024-11-29T07:16:13Z' progress=1.000000 cache=287.4MiB(2073841txo)";
  }

  static String stacks(Instant t) {
    return String.format("INFO [%d.%06d] [stackslib/src/chainstate/nakamoto/mod.rs:2132] [chains-coordinator-0.0.0.0:20443] Advanced to new tip!",
        t.getEpochSecond(), t.getNano() / 1000);
  }

  static String docker(Instant t) {
    return "{\"log\":\"" + signerJson(t).replace("\"", "\\\"") + "\\n\",\"stream\":\"stdout\",\"time\":\"" + t + "\"}";
  }

  /** Lines every {@code step} from {@code from} up to (not including) {@code to}. */
  static List<String> lines(Function<Instant, String> format, Instant from, Instant to, Duration step) {
    List<String> out = new ArrayList<>();
    for (Instant t = from; t.isBefore(to); t = t.plus(step)) {
      out.add(format.apply(t));
    }
    return out;
  }

  static Path write(Path file, List<String> lines, Instant mtime) {
    try {
      byte[] text = (String.join("\n", lines) + (lines.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8);
      if (file.getFileName().toString().endsWith(".gz")) {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
          out.write(text);
        }
      } else {
        Files.write(file, text);
      }
      Files.setLastModifiedTime(file, FileTime.from(mtime));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path writeBytes(Path file, byte[] bytes, Instant mtime) {
    try {
      Files.write(file, bytes);
      Files.setLastModifiedTime(file, FileTime.from(mtime));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static long sizes(Path... files) {
    long total = 0;
    for (Path f : files) {
      try {
        total += Files.size(f);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return total;
  }

  /** Opens files like the exporter does and counts, per file, the bytes actually taken from the disk. */
  static final class CountingOpener implements LogDirectoryScanner.Opener {
    final Map<String, Long> bytesRead = new LinkedHashMap<>();

    @Override
    public InputStream open(Path file) throws IOException {
      String name = file.getFileName().toString();
      bytesRead.put(name, 0L);
      return new FilterInputStream(Files.newInputStream(file)) {
        @Override
        public int read() throws IOException {
          int b = super.read();
          if (b >= 0) {
            bytesRead.merge(name, 1L, Long::sum);
          }
          return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
          int n = super.read(buf, off, len);
          if (n > 0) {
            bytesRead.merge(name, (long) n, Long::sum);
          }
          return n;
        }

        @Override
        public long skip(long n) throws IOException {
          throw new AssertionError("the reader must not skip into a file");
        }
      };
    }

    List<String> opened() {
      return List.copyOf(bytesRead.keySet());
    }
  }
}
