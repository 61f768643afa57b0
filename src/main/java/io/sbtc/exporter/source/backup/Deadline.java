package io.sbtc.exporter.source.backup;

import java.time.Duration;

/** The end of one verification's time budget, on the monotonic clock. */
record Deadline(long endNanos) {

  static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos());
  }

  Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  boolean passed() {
    return endNanos - System.nanoTime() <= 0;
  }

  /** The remaining time, but at most {@code cap} and at least one second (JDBC timeouts are whole seconds). */
  Duration remainingAtMost(Duration cap) {
    Duration r = remaining();
    r = r.compareTo(cap) > 0 ? cap : r;
    return r.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : r;
  }
}
