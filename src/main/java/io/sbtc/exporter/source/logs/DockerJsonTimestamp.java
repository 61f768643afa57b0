package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;

/**
 * Format {@code docker-json}: Docker's json-file driver, {@code {"log":"...","stream":"stdout","time":"..."}}
 * with {@code time} in Go's RFC3339Nano (the time the daemon received the line). The wrapped line's
 * own timestamp is not used: {@code time} is always there, whatever the container writes.
 */
public final class DockerJsonTimestamp {
  public static final TimestampReader READER = DockerJsonTimestamp::parse;

  private DockerJsonTimestamp() {}

  public static Optional<Instant> parse(String line) {
    return JsonFields.topLevelString(line, "time").flatMap(Rfc3339::whole);
  }
}
