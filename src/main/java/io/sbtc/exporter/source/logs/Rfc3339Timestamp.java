package io.sbtc.exporter.source.logs;

import java.time.Instant;
import java.util.Optional;

/**
 * Format {@code rfc3339}: any line that starts with an RFC 3339 date-time and a space, such as the
 * signer's default pretty output ({@code 2026-07-22T09:14:02.118734905Z  INFO signer: ...}) or
 * Bitcoin Core's {@code debug.log}.
 */
public final class Rfc3339Timestamp {
  public static final TimestampReader READER = Rfc3339Timestamp::parse;

  private Rfc3339Timestamp() {}

  public static Optional<Instant> parse(String line) {
    return Rfc3339.atStart(Lines.clean(line));
  }
}
