package io.sbtc.exporter.core;

import java.time.Duration;

/**
 * The end of a time budget on the monotonic clock: a whole poll's (see {@link Poll#deadline}), or
 * one step's within it. Every way a source bounds its work (an HTTP exchange, a JDBC statement, a
 * restore tool, a file walk) takes its limit from one of these, so no source computes its own.
 */
public record Deadline(long endNanos) {
  /** JDBC and libpq count in whole seconds and read 0 as "no limit": a step never gets less than this. */
  static final Duration SMALLEST_STEP = Duration.ofSeconds(1);

  public static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos());
  }

  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
  }

  public boolean passed() {
    return endNanos - System.nanoTime() <= 0;
  }

  /** This deadline, or {@code budget} from now if that comes first. */
  public Deadline within(Duration budget) {
    long other = System.nanoTime() + budget.toNanos();
    return other - endNanos < 0 ? new Deadline(other) : this;
  }

  /** {@code margin} before this one: a step that gives up first fails alone, and the poll still reports the rest. */
  public Deadline earlier(Duration margin) {
    return new Deadline(endNanos - margin.toNanos());
  }

  /** The time left for one step: at most {@code cap}, and never below one second (see {@link #SMALLEST_STEP}). */
  public Duration forStep(Duration cap) {
    Duration r = remaining();
    r = r.compareTo(cap) > 0 ? cap : r;
    return r.compareTo(SMALLEST_STEP) < 0 ? SMALLEST_STEP : r;
  }

  /** The time left in whole seconds, at least one: a JDBC statement timeout. */
  public int seconds() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, remaining().toSeconds()));
  }
}
