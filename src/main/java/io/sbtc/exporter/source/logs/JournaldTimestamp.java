package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One line of {@code journalctl --output=json}: {@code __REALTIME_TIMESTAMP} is a string of
 * microseconds since the epoch (when journald received the entry). The key order is a hash
 * order, so the field is looked up wherever it is.
 */
public final class JournaldTimestamp {
  public static final TimestampReader READER = JournaldTimestamp::parse;
  private static final Pattern MICROS = Pattern.compile("\\d{1,19}");

  private JournaldTimestamp() {}

  public static Optional<Instant> parse(String line) {
    return JsonFields.topLevelString(line, "__REALTIME_TIMESTAMP")
        .filter(s -> MICROS.matcher(s).matches())
        .flatMap(JournaldTimestamp::micros);
  }

  private static Optional<Instant> micros(String digits) {
    try {
      long us = Long.parseLong(digits);
      return Optional.of(Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1000));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
