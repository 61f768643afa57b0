package io.sbtc.exporter.log;

import java.util.logging.LogRecord;

/** The production log line format, for tests that read what would be logged. */
public final class LogFormatForTests {
  private final LogSetup.LogfmtFormatter formatter = new LogSetup.LogfmtFormatter();

  public String format(LogRecord r) {
    return formatter.format(r);
  }
}
