package io.sbtc.exporter.core;

import java.util.function.Supplier;

/**
 * A source as the config describes it, before it runs. On reload, a source whose name, schedule
 * and config are unchanged keeps running with its state (its tip-changed times, its error counts);
 * any other is replaced.
 *
 * @param config the config the source is made from; compared with {@code equals}
 */
public record SourceSpec(String name, Schedule schedule, Object config, Supplier<Source> factory) {

  /** Whether a running source made from {@code other} can stay in place of one made from this. */
  boolean sameAs(SourceSpec other) {
    return name.equals(other.name) && schedule.equals(other.schedule) && config.equals(other.config);
  }
}
