package io.sbtc.exporter.config;

import java.util.List;

/**
 * A config problem, already phrased for the operator as {@code file: key.path: what is wrong}; or
 * all the problems of one file at once ({@link #problems()}, one line each, in the message too).
 */
public final class ConfigException extends RuntimeException {
  /** The key path the problem is about, empty when it is about the file or the command line. */
  private final String key;
  private final List<String> problems;

  public ConfigException(String message) {
    this(message, "", List.of(message));
  }

  private ConfigException(String message, String key, List<String> problems) {
    super(message);
    this.key = key;
    this.problems = problems;
  }

  public static ConfigException at(String file, String path, String problem) {
    String message = path.isEmpty() ? file + ": " + problem : file + ": " + path + ": " + problem;
    return new ConfigException(message, path, List.of(message));
  }

  /** Every problem of {@code found} in one exception, in the order found; one alone is itself. */
  static ConfigException all(List<ConfigException> found) {
    if (found.size() == 1) {
      return found.get(0);
    }
    List<String> lines = found.stream().flatMap(e -> e.problems.stream()).toList();
    return new ConfigException(String.join("\n", lines), "", lines);
  }

  /** One line per problem, each naming the file, the key and what is wrong. */
  public List<String> problems() {
    return problems;
  }

  String key() {
    return key;
  }
}
