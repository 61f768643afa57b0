package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every YAML file under deploy/ parses; Kubernetes files may hold several documents, each a resource. */
class DeployYamlTest {

  static Stream<Path> yamlFiles() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(Path.of("deploy"))) {
      files = walk.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml"))
          .sorted().toList();
    }
    assertTrue(files.size() >= 7, "YAML files under deploy/: " + files);
    return files.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("yamlFiles")
  void parses(Path file) {
    List<JsonNode> docs = Yaml.documents(file);
    assertFalse(docs.isEmpty(), file + " holds no document");
    for (JsonNode doc : docs) {
      assertTrue(doc.isObject(), file + ": every document is a mapping");
      if (file.startsWith(Path.of("deploy/kubernetes")) && !file.endsWith("kustomization.yaml")) {
        for (String key : List.of("apiVersion", "kind")) {
          assertTrue(doc.path(key).isTextual(), file + ": a document without " + key);
        }
        assertTrue(doc.path("metadata").path("name").isTextual(), file + ": a resource without a name");
        assertTrue(doc.path("metadata").path("namespace").isTextual(), file + ": a namespaced resource without a namespace");
      }
    }
  }
}
