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
public final class Sections {
  private final Map<Class<?>, List<?>> byType;

  private Sections(Map<Class<?>, List<?>> byType) {
    this.byType = Collections.unmodifiableMap(byType);
  }

  static Sections of(Map<Class<?>, List<?>> byType) {
    return new Sections(new LinkedHashMap<>(byType));
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

  @Override
  public boolean equals(Object o) {
    return o instanceof Sections s && s.byType.equals(byType);
  }

  @Override
  public int hashCode() {
    return byType.hashCode();
  }

  @Override
  public String toString() {
    return byType.toString();
  }
}
