package io.sbtc.exporter.core;

import java.util.function.Supplier;

/**
 * A source as the config describes it, before it runs. On reload, a source whose name and config
 * are unchanged keeps running with its state (its tip-changed times, its error counts); any other
 * is replaced.
 *
 * @param config the config record the source is made from; compared with {@code equals}
 */
public record SourceSpec(String name, Object config, Supplier<Source> factory) {}
