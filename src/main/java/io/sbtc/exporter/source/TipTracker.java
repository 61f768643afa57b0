package io.sbtc.exporter.source;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Remembers when a node's best block last changed, as this exporter saw it. Nodes do not report
 * that time themselves, and a tip that stops moving is the first sign of a stuck node. The first
 * tip seen counts as a change: before it the exporter knows nothing, and an alert on "no change
 * for an hour" must not fire right after the exporter starts.
 */
public final class TipTracker {
  private final Clock clock;
  private String tip;
  private Instant changedAt;

  public TipTracker(Clock clock) {
    this.clock = clock;
  }

  /** Records the tip seen by a poll and returns when it last changed. */
  public synchronized Instant observe(String currentTip) {
    Objects.requireNonNull(currentTip);
    if (!currentTip.equals(tip)) {
      tip = currentTip;
      changedAt = clock.instant();
    }
    return changedAt;
  }

  /** Seconds with millisecond precision, as Prometheus timestamps are usually shown. */
  public static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }
}
