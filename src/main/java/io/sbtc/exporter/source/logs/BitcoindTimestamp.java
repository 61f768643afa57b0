package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Format {@code bitcoind}: Bitcoin Core's {@code debug.log}, {@code 2024-11-29T07:16:14Z ...} or,
 * with {@code -logtimemicros}, {@code 2024-11-29T07:16:14.412087Z ...}; v30 puts {@code [*] } in
 * front while rate limiting is active.
 */
public final class BitcoindTimestamp {
  public static final TimestampReader READER = BitcoindTimestamp::parse;
  private static final Pattern LINE = Pattern.compile(
      "(?:\\[\\*] )?(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{6}))?(Z)(?:\\s|$)");

  private BitcoindTimestamp() {}

  public static Optional<Instant> parse(String line) {
    Matcher m = LINE.matcher(Lines.clean(line));
    return m.lookingAt() ? Rfc3339.toInstant(m) : Optional.empty();
  }
}
