package io.sbtc.exporter.setup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the sections of a config file were read into, by the record type of each section (the
 * types in {@link Sources}' table). An absent section reads as empty.
 */
public record Sections(Map<Class<?>, List<?>> byType) {

  public Sections {
    byType = Collections.unmodifiableMap(new LinkedHashMap<>(byType));
  }

  static Sections of(Map<Class<?>, List<?>> byType) {
    return new Sections(byType);
  }

  /** The section of a key that holds one mapping: {@code config.section(BitcoinConfig.class)}. */
  public <C> Optional<C> section(Class<C> type) {
    return sections(type).stream().findFirst();
  }

  /** The entries of a key that holds a list: {@code config.sections(BackupConfig.class)}. */
  public <C> List<C> sections(Class<C> type) {
    List<?> values = byType.get(type);
    if (values == null) {
      throw new IllegalArgumentException(type.getName() + " is not the record of a section in setup/Sources");
    }
    return values.stream().map(type::cast).toList();
  }

  /** Every entry of every section, in the table's order. */
  List<?> all(Class<?> type) {
    return byType.get(type);
  }
}
