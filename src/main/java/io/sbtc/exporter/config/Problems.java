package io.sbtc.exporter.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The problems found while reading one config file, so that all of them are reported at once
 * rather than one per attempt. Only the first problem of a key is kept: a second one is usually a
 * consequence of the first (a check against the default the reader fell back to).
 */
final class Problems {
  private final List<ConfigException> found = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();

  synchronized void add(ConfigException e) {
    if (e.key().isEmpty() || keys.add(e.key())) {
      found.add(e);
    }
  }

  synchronized boolean has(String key) {
    return keys.contains(key);
  }

  /** @throws ConfigException with every problem found, if there is one */
  synchronized void throwIfAny() {
    if (!found.isEmpty()) {
      throw ConfigException.all(List.copyOf(found));
    }
  }
}
