package io.sbtc.exporter.testing;

import io.sbtc.exporter.log.LogFormatForTests;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every line the exporter logs in this JVM while open, formatted as in production: what a test
 * reads to see that something happened (a reload check ran, a poll failed) or that nothing leaked.
 */
public final class CapturedLogs implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LogFormatForTests format = new LogFormatForTests();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord r) {
      lines.add(format.format(r));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  public CapturedLogs() {
    Logger.getLogger("").addHandler(handler);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits for a line containing {@code text}, logged after {@code after} lines (see {@link #count()}). */
  public String await(String text, int after, Duration timeout) {
    return Await.until("a log line containing " + text, timeout,
        () -> lines.subList(Math.min(after, lines.size()), lines.size()).stream().filter(l -> l.contains(text)).findFirst(),
        java.util.Optional::isPresent, () -> "logged:\n" + String.join("", lines)).orElseThrow();
  }

  /** How many lines have been logged so far: a mark for {@link #await}. */
  public int count() {
    return lines.size();
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(handler);
  }
}
