package io.sbtc.exporter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** The YAML text of a config file, parsed into its top-level mapping. */
final class YamlText {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private YamlText() {}

  /** The top-level mapping (an empty file is an empty one), or a {@link ConfigException} naming the file and, for broken YAML, the line. */
  static JsonNode topLevel(String file, String yaml) {
    JsonNode root;
    try {
      root = yaml.isBlank() ? MissingNode.getInstance() : YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ": ";
      throw ConfigException.at(file, "", where + "not valid YAML (" + problem(e) + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw ConfigException.at(file, "", "the top level must be a mapping of sections");
    }
    return root;
  }

  /**
   * What is wrong, without the excerpt of the offending line that SnakeYAML adds to its message:
   * that line may hold a URL with a password in it.
   */
  static String problem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException m) {
      String context = m.getContext() == null ? "" : m.getContext() + ": ";
      String mark = m.getProblemMark() == null ? "" : " at line " + (m.getProblemMark().getLine() + 1) + ", column "
          + (m.getProblemMark().getColumn() + 1);
      return context + m.getProblem() + mark;
    }
    return e.getOriginalMessage().lines().findFirst().orElse("");
  }
}
