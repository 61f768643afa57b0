package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An exporter config shipped under deploy/, loaded by the real {@link ConfigLoader}. Secret files
 * must exist when the config loads, so each {@code *_file} path is swapped for a temporary file;
 * {@link #secretFiles()} are the paths as written, for checking them against the mounts, and
 * {@link #loadableYaml()} is the config with the temporary files in their place.
 */
record ShippedConfig(ExporterConfig config, List<String> secretFiles, JsonNode tree, String loadableYaml) {

  static ShippedConfig load(String name, String yaml, Map<String, String> env, Path tmp) {
    JsonNode tree = Yaml.parse(yaml);
    JsonNode rewritten = tree.deepCopy();
    List<String> files = new ArrayList<>();
    Yaml.fields(rewritten, (parent, key) -> {
      if (key.endsWith("_file") && parent.get(key).isTextual()) {
        String original = parent.get(key).asText();
        files.add(original);
        parent.set(key, TextNode.valueOf(secretFile(tmp, files.size()).toString()));
      }
    });
    ExporterConfig config = ConfigLoader.parse(name, Yaml.write(rewritten), env::get);
    return new ShippedConfig(config, List.copyOf(files), tree, Yaml.write(rewritten));
  }

  /**
   * What {@code --check-config} prints for this config loads back, with the same environment, to an
   * equal config: same values, and the same printout again.
   */
  String assertPrintedConfigLoadsBack(Map<String, String> env) {
    String printed = ConfigPrinter.toYaml(config);
    ExporterConfig again = ConfigLoader.parse(config.file(), printed, env::get);
    assertEquals(config, again, "printed:\n" + printed);
    return printed;
  }

  /** Every directory or file the config reads from disk: secrets, log and backup directories. */
  List<String> pathsRead() {
    List<String> paths = new ArrayList<>(secretFiles);
    Yaml.fields(tree, (parent, key) -> {
      if (key.equals("path") && parent.get(key).isTextual()) {
        paths.add(parent.get(key).asText());
      }
    });
    return paths;
  }

  private static Path secretFile(Path tmp, int n) {
    try {
      Path file = tmp.resolve("secret-" + n);
      Files.writeString(file, "not-a-real-secret-" + n + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
