package io.sbtc.exporter.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;

/**
 * A config as the loader read it: every key it read, with the value it settled on (defaults
 * included), in the form that loads back to the same config. Recorded by {@link ConfigNode} while
 * reading, so what {@code --check-config} prints and what the loader accepts come from one place.
 * Secrets appear as the reference they were read through, never as their value.
 */
public final class ConfigText {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private final ObjectNode tree;

  ConfigText(ObjectNode tree) {
    this.tree = tree.deepCopy();
  }

  /** The same, with one top-level key set: for values given on the command line. */
  public ConfigText with(String key, String value) {
    ObjectNode copy = tree.deepCopy();
    copy.put(key, ConfigNode.escape(value));
    return new ConfigText(copy);
  }

  public String yaml() {
    try {
      return YAML.writeValueAsString(tree);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfigText t && t.tree.equals(tree);
  }

  @Override
  public int hashCode() {
    return tree.hashCode();
  }

  @Override
  public String toString() {
    return yaml();
  }
}
