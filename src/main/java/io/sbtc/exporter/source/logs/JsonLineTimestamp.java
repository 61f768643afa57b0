package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;

/**
 * Format {@code json}: the signer's {@code --output-format json} lines (tracing-subscriber), whose
 * first key is {@code "timestamp"} in RFC 3339, e.g.
 * {@code {"timestamp":"2026-07-22T09:14:02.118734905Z","level":"INFO",...}}.
 */
public final class JsonLineTimestamp {
  public static final TimestampReader READER = JsonLineTimestamp::parse;

  private JsonLineTimestamp() {}

  public static Optional<Instant> parse(String line) {
    return JsonFields.topLevelString(line, "timestamp").flatMap(Rfc3339::whole);
  }
}
