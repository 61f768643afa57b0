package io.sbtc.exporter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads a YAML config file into a validated {@link ExporterConfig}, or fails with one clear line. */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  public static ExporterConfig load(Path file) {
    return load(file, System::getenv, new SecretFileWarnings());
  }

  public static ExporterConfig load(Path file, Function<String, String> env) {
    return load(file, env, new SecretFileWarnings());
  }

  /** @param warnings shared by every load of one process, so that a reload does not repeat them */
  public static ExporterConfig load(Path file, Function<String, String> env, SecretFileWarnings warnings) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw ConfigException.at(name, "", "cannot read the config file (" + e.getClass().getSimpleName() + ")");
    }
    return parse(name, text, env, warnings);
  }

  /**
   * What is wrong, without the excerpt of the offending line that SnakeYAML adds to its message:
   * that line may hold a URL with a password in it.
   */
  static String yamlProblem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException m) {
      String context = m.getContext() == null ? "" : m.getContext() + ": ";
      String mark = m.getProblemMark() == null ? "" : " at line " + (m.getProblemMark().getLine() + 1) + ", column "
          + (m.getProblemMark().getColumn() + 1);
      return context + m.getProblem() + mark;
    }
    return e.getOriginalMessage().lines().findFirst().orElse("");
  }

  public static ExporterConfig parse(String name, String yaml, Function<String, String> env) {
    return parse(name, yaml, env, new SecretFileWarnings());
  }

  static ExporterConfig parse(String name, String yaml, Function<String, String> env, SecretFileWarnings warnings) {
    JsonNode root;
    try {
      root = yaml.isBlank() ? MissingNode.getInstance() : YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ": ";
      throw ConfigException.at(name, "", where + "not valid YAML (" + yamlProblem(e) + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw ConfigException.at(name, "", "the top level must be a mapping of sections");
    }
    return ExporterConfig.read(new ConfigNode(name, "", root, env, warnings));
  }
}
