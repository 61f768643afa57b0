package io.sbtc.exporter.setup;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSpec;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One top-level key of the config file and what it becomes: the record its source package reads it
 * into, and the sources that package makes of it. A key holds one mapping or a list of mappings.
 */
record Section<C>(String key, Class<C> type, Reader<C> reader, Factory<C> factory) {

  /** Reads the key; {@code before} holds what the sections above this one in {@link Sources} read. */
  @FunctionalInterface
  interface Reader<C> {
    List<C> read(ConfigNode root, String key, Sections before);
  }

  /** Makes the sources of one entry; {@code all} holds every section, for a source that needs another's config. */
  @FunctionalInterface
  interface Factory<C> {
    List<SourceSpec> specs(C config, SourceContext context, Sections all);
  }

  /** A key that holds one mapping, read by {@code read}. */
  static <C> Section<C> one(String key, Class<C> type, Function<ConfigNode, C> read,
      BiFunction<C, SourceContext, List<SourceSpec>> specs) {
    return new Section<>(key, type, (root, k, before) -> root.object(k).flatMap(node -> node.readEntry(() -> read.apply(node)))
        .stream().toList(), (config, context, all) -> specs.apply(config, context));
  }

  /** A key that holds a list of mappings, read as a whole by {@code readAll} (which checks that their names differ). */
  static <C> Section<C> list(String key, Class<C> type, Function<List<ConfigNode>, List<C>> readAll,
      BiFunction<C, SourceContext, List<SourceSpec>> specs) {
    return new Section<>(key, type, (root, k, before) -> readAll.apply(root.objectList(k)),
        (config, context, all) -> specs.apply(config, context));
  }

  List<SourceSpec> specs(Object config, SourceContext context, Sections all) {
    return factory.specs(type.cast(config), context, all);
  }
}
