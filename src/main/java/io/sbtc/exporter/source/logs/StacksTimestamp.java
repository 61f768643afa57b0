package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Format {@code stacks}: the Stacks node's default slog lines,
 * {@code INFO [1738695915.769633] [file:line] [thread] message}: a 4-letter level, then unix
 * seconds and 6 digits of microseconds; or, with {@code STACKS_LOG_JSON=1}, a JSON object whose
 * {@code "ts"} is RFC 3339 (stacks-core 4.0.2 stacks-common/src/util/log.rs:207 uses slog-json's
 * {@code Json::default}, whose default keys are ts, level and msg). ({@code STACKS_LOG_FORMAT_TIME}
 * and {@code STACKS_LOG_PP} write local times without a year or zone, which cannot be placed in time.)
 */
public final class StacksTimestamp {
  public static final TimestampReader READER = StacksTimestamp::parse;
  private static final Pattern LINE = Pattern.compile("(?:CRIT|ERRO|WARN|INFO|DEBG|TRCE) \\[ *(\\d{1,12})\\.(\\d{6})]");

  private StacksTimestamp() {}

  public static Optional<Instant> parse(String line) {
    Matcher m = LINE.matcher(Lines.clean(line));
    if (!m.lookingAt()) {
      return JsonLineTimestamp.slogJson(line);
    }
    return Optional.of(Instant.ofEpochSecond(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)) * 1000));
  }
}
