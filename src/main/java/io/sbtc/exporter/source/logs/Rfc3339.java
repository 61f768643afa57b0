package io.sbtc.exporter.source.logs;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 3339 date-times as the three components write them: tracing's {@code UtcTime::rfc_3339()}
 * (1 to 9 fraction digits, trailing zeros trimmed, {@code Z}), Go's RFC3339Nano in Docker's
 * json-file driver, and Bitcoin Core's ISO 8601 with optional microseconds.
 */
final class Rfc3339 {
  private static final Pattern DATE_TIME = Pattern.compile(
      "(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?([Zz]|[+-]\\d{2}:\\d{2})");

  private Rfc3339() {}

  /** A date-time that makes up all of {@code text}. */
  static Optional<Instant> whole(String text) {
    Matcher m = DATE_TIME.matcher(text);
    return m.matches() ? toInstant(m) : Optional.empty();
  }

  /** A date-time at the start of {@code text}, followed by the end of the text or a space. */
  static Optional<Instant> atStart(String text) {
    Matcher m = DATE_TIME.matcher(text);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    if (m.end() < text.length() && !Character.isWhitespace(text.charAt(m.end()))) {
      return Optional.empty();
    }
    return toInstant(m);
  }

  /** The matched groups as an instant; out-of-range fields (month 13, second 60) give empty. */
  static Optional<Instant> toInstant(Matcher m) {
    try {
      String fraction = m.group(7) == null ? "" : m.group(7);
      int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
      String zone = m.group(8);
      ZoneOffset offset = zone.equalsIgnoreCase("Z") ? ZoneOffset.UTC : ZoneOffset.of(zone);
      return Optional.of(OffsetDateTime.of(
          Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
          Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)),
          nanos, offset).toInstant());
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
