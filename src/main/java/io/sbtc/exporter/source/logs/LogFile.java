package io.sbtc.exporter.source.logs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One current or rotated log file, as listed: metadata only. */
record LogFile(Path path, long size, Instant modified) {
  /** A rotation suffix after the base name: {@code .1}, {@code .12}, {@code -20250131}, {@code -20250131-1738300000}. */
  private static final Pattern SUFFIX = Pattern.compile("[.-](\\d+)$");
  /** Eight or more digits are a date or a unix time (logrotate dateext), fewer a rotation count. */
  private static final int DATE_DIGITS = 8;

  /**
   * Oldest first, by the name the rotation gave the file rather than by its modification time,
   * which copying or compressing can change: date-stamped files by date, then numbered ones from
   * the highest number down ({@code .3.gz} before {@code .2} before {@code .1}), then the rest
   * (the current file) by modification time.
   */
  static final Comparator<LogFile> OLDEST_FIRST = Comparator
      .comparingInt(LogFile::group)
      .thenComparing(LogFile::dateStamp, Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder()))
      .thenComparing(Comparator.comparingLong(LogFile::rotationCount).reversed())
      .thenComparing(LogFile::modified)
      .thenComparing(f -> f.path().getFileName().toString());

  private String suffix() {
    String name = path.getFileName().toString();
    if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
      name = name.substring(0, name.length() - 3);
    }
    Matcher m = SUFFIX.matcher(name);
    return m.find() ? m.group(1) : "";
  }

  private int group() {
    String s = suffix();
    if (s.isEmpty()) {
      return 2;
    }
    return s.length() >= DATE_DIGITS ? 0 : 1;
  }

  private String dateStamp() {
    String s = suffix();
    return s.length() >= DATE_DIGITS ? s : "";
  }

  private long rotationCount() {
    String s = suffix();
    return s.isEmpty() || s.length() >= DATE_DIGITS ? 0 : Long.parseLong(s);
  }
}
