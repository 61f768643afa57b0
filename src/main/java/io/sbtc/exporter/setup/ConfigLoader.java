package io.sbtc.exporter.setup;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.config.SecretFileWarnings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Reads a YAML config file into a validated {@link ExporterConfig}, or fails with one clear line. */
public final class ConfigLoader {
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

  public static ExporterConfig parse(String name, String yaml, Function<String, String> env) {
    return parse(name, yaml, env, new SecretFileWarnings());
  }

  static ExporterConfig parse(String name, String yaml, Function<String, String> env, SecretFileWarnings warnings) {
    return ExporterConfig.read(ConfigNode.root(name, yaml, env, warnings));
  }
}
