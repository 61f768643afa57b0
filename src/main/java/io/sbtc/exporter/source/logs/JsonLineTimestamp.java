package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;

/**
 * Format {@code json}: one JSON object per line with an RFC 3339 time in a top-level field. The
 * signer's {@code --output-format json} (tracing-subscriber) calls it {@code "timestamp"},
 * e.g. {@code {"timestamp":"2026-07-22T09:14:02.118734905Z","level":"INFO",...}}; the Stacks node
 * with {@code STACKS_LOG_JSON=1} (slog-json's default keys) calls it {@code "ts"}, e.g.
 * {@code {"msg":"...","level":"INFO","ts":"2026-07-22T09:14:05.120931Z",...}}.
 */
public final class JsonLineTimestamp {
  public static final TimestampReader READER = JsonLineTimestamp::parse;

  private JsonLineTimestamp() {}

  public static Optional<Instant> parse(String line) {
    Optional<String> text = JsonFields.topLevelString(line, "timestamp");
    if (text.isEmpty()) {
      text = JsonFields.topLevelString(line, "ts");
    }
    return text.flatMap(Rfc3339::whole);
  }

  /** Only the Stacks node's slog-json key, for format {@code stacks}. */
  static Optional<Instant> slogJson(String line) {
    return JsonFields.topLevelString(line, "ts").flatMap(Rfc3339::whole);
  }
}
