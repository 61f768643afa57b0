package io.sbtc.exporter.config;

import io.sbtc.exporter.common.Durations;
import java.time.Duration;

/** How often a source is polled and how long one poll may take. Every source has one. */
public record Schedule(Duration interval, Duration timeout) {

  /** Reads {@code interval} and {@code timeout} of a source section; a timeout longer than the interval is refused. */
  public static Schedule read(ConfigNode node, Duration defaultInterval, Duration defaultTimeout) {
    Duration interval = node.duration("interval", defaultInterval);
    Duration timeout = node.duration("timeout", defaultTimeout.compareTo(interval) > 0 ? interval : defaultTimeout);
    if (timeout.compareTo(interval) > 0) {
      throw node.error("timeout", "must not be longer than interval " + Durations.format(interval)
          + " (got \"" + Durations.format(timeout) + "\")");
    }
    return new Schedule(interval, timeout);
  }
}
