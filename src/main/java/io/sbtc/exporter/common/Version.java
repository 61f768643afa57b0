package io.sbtc.exporter.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dotted version such as {@code 27.1.0} or {@code 3.1.0.0.5}, read from the strings the
 * components really report. Missing trailing parts count as 0, so {@code 25} equals {@code 25.0};
 * a release candidate ({@code 28.0rc1}) sorts below its release.
 */
public record Version(List<Integer> parts, boolean prerelease, String text) implements Comparable<Version> {
  private static final Pattern DOTTED = Pattern.compile("(\\d+(?:\\.\\d+)*)(-?(?:rc|alpha|beta|pre)[.\\d]*)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern SATOSHI = Pattern.compile("/Satoshi:(\\d+(?:\\.\\d+)*(?:rc\\d+)?)");
  private static final Pattern STACKS_NODE = Pattern.compile("^stacks-node\\s+(\\S+)");

  /** A plain version or release tag: {@code 1.0.3}, {@code v1.0.3}, {@code 28.0rc1}. */
  public static Optional<Version> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    if (t.startsWith("v") || t.startsWith("V")) {
      t = t.substring(1);
    }
    Matcher m = DOTTED.matcher(t);
    if (!m.matches()) {
      return Optional.empty();
    }
    List<Integer> parts = new ArrayList<>();
    try {
      for (String p : m.group(1).split("\\.")) {
        parts.add(Integer.parseInt(p));
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.of(new Version(List.copyOf(parts), m.group(2) != null, t));
  }

  /** Bitcoin Core's subversion: {@code /Satoshi:27.1.0/} (a fork may append its own part). */
  public static Optional<Version> fromBitcoinSubversion(String subversion) {
    Matcher m = subversion == null ? null : SATOSHI.matcher(subversion);
    return m != null && m.find() ? parse(m.group(1)) : Optional.empty();
  }

  /** The Stacks node's server_version: {@code stacks-node 3.1.0.0.5 (release/3.1.0.0.5:..., release build, ...)}. */
  public static Optional<Version> fromStacksServerVersion(String serverVersion) {
    Matcher m = serverVersion == null ? null : STACKS_NODE.matcher(serverVersion.trim());
    return m != null && m.find() ? parse(m.group(1)) : Optional.empty();
  }

  /** PostgreSQL's server_version: {@code 16.4 (Debian 16.4-1.pgdg120+1)}. */
  public static Optional<Version> fromPostgres(String serverVersion) {
    if (serverVersion == null) {
      return Optional.empty();
    }
    String first = serverVersion.trim().split("\\s+")[0];
    return parse(first);
  }

  @Override
  public int compareTo(Version o) {
    int n = Math.max(parts.size(), o.parts.size());
    for (int i = 0; i < n; i++) {
      int a = i < parts.size() ? parts.get(i) : 0;
      int b = i < o.parts.size() ? o.parts.get(i) : 0;
      if (a != b) {
        return Integer.compare(a, b);
      }
    }
    return Boolean.compare(o.prerelease, prerelease);
  }

  @Override
  public String toString() {
    return text;
  }
}
