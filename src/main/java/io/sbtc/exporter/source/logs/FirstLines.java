package io.sbtc.exporter.source.logs;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The first lines of a log file, read with a hard bound: at most {@link #MAX_BYTES} bytes (after
 * gunzipping) however large the file and whether or not it has newlines, so a 2 GB file costs the
 * same as a small one.
 */
final class FirstLines {
  static final int MAX_BYTES = 64 * 1024;
  /** Non-blank lines looked at: bitcoind starts each run with blank lines, and a multi-line message may come first. */
  static final int MAX_LINES = 8;
  private static final int CHUNK = 8 * 1024;

  private FirstLines() {}

  /** Up to {@code maxLines} non-blank lines from the start of {@code raw}, gunzipped if it starts with the gzip magic. */
  static List<String> read(InputStream raw, int maxLines) throws IOException {
    PushbackInputStream in = new PushbackInputStream(raw, 2);
    byte[] magic = new byte[2];
    int n = in.readNBytes(magic, 0, 2);
    in.unread(magic, 0, n);
    boolean gzip = n == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
    InputStream source = gzip ? new GZIPInputStream(in, CHUNK) : in;

    byte[] buf = new byte[MAX_BYTES];
    int len = 0;
    while (len < buf.length && countLines(buf, len) < maxLines) {
      int r;
      try {
        r = source.read(buf, len, Math.min(CHUNK, buf.length - len));
      } catch (IOException e) {
        if (len == 0) {
          throw e;
        }
        break; // a truncated .gz (still being compressed): use what came out
      }
      if (r < 0) {
        break;
      }
      len += r;
    }
    return split(buf, len, maxLines);
  }

  /** Complete non-blank lines in the first {@code len} bytes. */
  private static int countLines(byte[] buf, int len) {
    int lines = 0;
    boolean content = false;
    for (int i = 0; i < len; i++) {
      byte b = buf[i];
      if (b == '\n') {
        if (content) {
          lines++;
        }
        content = false;
      } else if (b != '\r' && b != ' ' && b != '\t') {
        content = true;
      }
    }
    return lines;
  }

  private static List<String> split(byte[] buf, int len, int maxLines) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    // The last piece counts too: it is the end of the file, or a line longer than the bound.
    for (int i = 0; i <= len && lines.size() < maxLines; i++) {
      if (i == len || buf[i] == '\n') {
        int end = i > start && buf[i - 1] == '\r' ? i - 1 : i;
        String line = new String(buf, start, end - start, StandardCharsets.UTF_8);
        if (!line.isBlank()) {
          lines.add(line);
        }
        start = i + 1;
      }
    }
    return lines;
  }
}
