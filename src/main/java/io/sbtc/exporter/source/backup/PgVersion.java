package io.sbtc.exporter.source.backup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL version as its programs and archives write it: {@code 15.18 (Debian 15.18-0+deb12u1)},
 * {@code 18.3}, {@code 18beta2}, {@code 9.6.24}. Only the major version decides what can read what.
 *
 * @param major 15 for 15.18; 9 for 9.6.24 (older than anything the signer runs, which is all that matters here)
 * @param minor 18 for 15.18; 0 when absent
 * @param suffix what follows the numbers directly, like {@code beta2}; empty for releases
 * @param text the version as written, without what follows it in parentheses
 */
record PgVersion(int major, int minor, String suffix, String text) {
  private static final Pattern VERSION = Pattern.compile("(\\d{1,6})(?:\\.(\\d{1,6}))?([A-Za-z0-9.]{0,16})");
  /** {@code pg_restore (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)}: what {@code --version} prints. */
  private static final Pattern TOOL_OUTPUT = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)?\\S*)");

  /** The version at the start of {@code text} ({@code 16.6 (Debian ...)} gives 16.6). */
  static Optional<PgVersion> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = VERSION.matcher(text.strip());
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    // Bounded digits and suffix: the text comes from a backup file and ends up in a label value.
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    return Optional.of(new PgVersion(major, minor, m.group(3), m.group()));
  }

  /** The version in a program's {@code --version} output. */
  static Optional<PgVersion> ofToolOutput(String output) {
    Matcher m = TOOL_OUTPUT.matcher(output);
    return m.find() ? parse(m.group(1)) : Optional.empty();
  }

  @Override
  public String toString() {
    return text;
  }
}
