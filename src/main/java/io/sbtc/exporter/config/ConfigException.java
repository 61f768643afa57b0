package io.sbtc.exporter.config;

/** A config problem, already phrased for the operator as {@code file: key.path: what is wrong}. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public static ConfigException at(String file, String path, String problem) {
    return new ConfigException(path.isEmpty() ? file + ": " + problem : file + ": " + path + ": " + problem);
  }
}
