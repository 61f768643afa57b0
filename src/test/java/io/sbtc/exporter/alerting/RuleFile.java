package io.sbtc.exporter.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** alerts/sbtc-signer.rules.yml read as data, for tests that check the rules against docs and tests. */
record RuleFile(List<Alert> alerts, Map<String, String> recordingRules) {
  static final Path PATH = Path.of("alerts/sbtc-signer.rules.yml");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  record Alert(String name, String expr, String forDuration, Map<String, String> labels, Map<String, String> annotations) {}

  static RuleFile load() {
    return load(PATH);
  }

  static RuleFile load(Path path) {
    JsonNode root = read(path);
    List<Alert> alerts = new ArrayList<>();
    Map<String, String> recording = new LinkedHashMap<>();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.add(new Alert(rule.get("alert").asText(), rule.path("expr").asText(), rule.path("for").asText("0s"),
              strings(rule.path("labels")), strings(rule.path("annotations"))));
        } else {
          recording.put(rule.path("record").asText(), rule.path("expr").asText());
        }
      }
    }
    return new RuleFile(alerts, recording);
  }

  /** The rule file as YAML text without the group named {@code name}, which must exist. */
  static String withoutGroup(String name) {
    JsonNode root = read(PATH);
    com.fasterxml.jackson.databind.node.ArrayNode groups = (com.fasterxml.jackson.databind.node.ArrayNode) root.path("groups");
    for (int i = 0; i < groups.size(); i++) {
      if (groups.get(i).path("name").asText().equals(name)) {
        groups.remove(i);
        try {
          return YAML.writeValueAsString(root);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    throw new IllegalArgumentException("no group " + name + " in " + PATH);
  }

  static JsonNode read(Path path) {
    try {
      return YAML.readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
