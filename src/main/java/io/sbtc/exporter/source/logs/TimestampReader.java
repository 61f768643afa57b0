package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;

/**
 * Reads the time a log line was written from the line itself. Implementations are pure functions
 * of the line (each format also has a static {@code parse(String)}), so they can be fuzzed: they
 * return empty for anything that is not a line of their format and never throw.
 */
@FunctionalInterface
public interface TimestampReader {

  Optional<Instant> read(String line);
}
