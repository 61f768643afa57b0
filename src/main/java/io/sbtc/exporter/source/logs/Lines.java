package io.sbtc.exporter.source.logs;

import java.util.regex.Pattern;

/** Clean-up shared by the plain-text formats. */
final class Lines {
  /** SGR colour codes: the signer and the Stacks node colour their output when stdout is a TTY (docker run -t). */
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

  private Lines() {}

  /** The line without a byte-order mark and without ANSI colour codes; null becomes empty. */
  static String clean(String line) {
    if (line == null) {
      return "";
    }
    String s = line.startsWith("\uFEFF") ? line.substring(1) : line;
    return s.indexOf('\u001B') < 0 ? s : ANSI.matcher(s).replaceAll("");
  }
}
