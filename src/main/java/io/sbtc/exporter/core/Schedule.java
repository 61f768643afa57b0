package io.sbtc.exporter.core;

import java.time.Duration;

/**
 * How often a source is polled and how long one poll may take. Every source has one; each source
 * names its defaults once, as a {@code Schedule} constant next to its config.
 */
public record Schedule(Duration interval, Duration timeout) {

  public static Schedule of(Duration interval, Duration timeout) {
    return new Schedule(interval, timeout);
  }
}
