package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Format {@code auto}: whichever format the line is in. The shapes do not overlap (JSON objects,
 * a 4-letter level first, a date first), so trying each in turn cannot pick the wrong one.
 */
public final class AutoTimestamp {
  public static final TimestampReader READER = AutoTimestamp::parse;
  /** Docker before json: a json-file line wraps the app's line, and its top level has "time", not "timestamp". */
  private static final List<TimestampReader> ORDER = List.of(
      DockerJsonTimestamp.READER, JsonLineTimestamp.READER, StacksTimestamp.READER, BitcoindTimestamp.READER,
      Rfc3339Timestamp.READER);

  private AutoTimestamp() {}

  public static Optional<Instant> parse(String line) {
    for (TimestampReader r : ORDER) {
      Optional<Instant> t = r.read(line);
      if (t.isPresent()) {
        return t;
      }
    }
    return Optional.empty();
  }
}
