package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sbtc.exporter.testing.ExternalTool.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every exporter config we ship passes the exporter's own {@code --check-config}, run as the operator
 * runs it: a separate process with the container's environment. Only the secret files' paths are
 * swapped for temporary files, since /run/secrets does not exist here.
 */
class CheckConfigShippedTest {

  @Test
  void theExampleConfigPassesAsShipped() throws Exception {
    Result r = checkConfig(Path.of("examples/config.yml"), Map.of());
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("metrics_url: \"http://127.0.0.1:9184/metrics\""), r.output());
  }

  @Test
  void theComposeConfigPassesWithTheContainersEnvironment(@TempDir Path tmp) throws Exception {
    ComposeDeployTest compose = new ComposeDeployTest();
    Path config = withTemporarySecrets(Files.readString(ComposeDeployTest.EXPORTER_CONFIG), tmp);
    Result r = checkConfig(config, compose.exporterEnv());
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("rpc_url: \"http://bitcoin:8332\""), "the .env reached the config: " + r.output());
    assertFalse(r.output().contains("rpc-password-from-dot-env"), "secrets stay masked: " + r.output());
  }

  @Test
  void theKubernetesConfigMapPasses(@TempDir Path tmp) throws Exception {
    JsonNode configMap = Yaml.resource(Yaml.documents(KubernetesDeployTest.DIR.resolve("sbtc-signer.yaml")), "ConfigMap",
        "sbtc-signer-exporter-config");
    Path config = withTemporarySecrets(configMap.path("data").path("config.yml").asText(), tmp);
    Result r = checkConfig(config, Map.of());
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("url: \"postgresql://sbtc_exporter@postgres:5432/signer\""), r.output());
  }

  /** The check can fail: a config that is wrong in the way the docs' example message shows. */
  @Test
  void aBrokenConfigFailsNamingTheFileAndTheKey(@TempDir Path tmp) throws Exception {
    String example = Files.readString(Path.of("examples/config.yml"));
    String signerTimeout = "  info_url: \"http://127.0.0.1:8801/info\"\n  interval: 15s\n  timeout: 5s\n";
    assertTrue(example.contains(signerTimeout), "the example's signer section changed; update this test");
    Path config = Files.writeString(tmp.resolve("config.yml"), example.replace(signerTimeout, signerTimeout.replace("5s", "0s")));
    Result r = checkConfig(config, Map.of());
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("config.yml: signer.timeout: must be > 0"), r.output());
  }

  /** The YAML with each {@code *_file} pointing at a temporary 0600 file, written next to it. */
  static Path withTemporarySecrets(String yaml, Path tmp) throws IOException {
    JsonNode tree = Yaml.parse(yaml);
    int[] n = {0};
    Yaml.fields(tree, (parent, key) -> {
      if (key.endsWith("_file") && parent.get(key).isTextual()) {
        try {
          Path secret = Files.writeString(tmp.resolve("secret-" + ++n[0]), "not-a-real-secret\n");
          Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
          parent.set(key, TextNode.valueOf(secret.toString()));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    return Files.writeString(tmp.resolve("config.yml"), Yaml.write(tree));
  }

  /** {@code sbtc-signer-exporter --config FILE --check-config} in a JVM of its own, with only {@code env} set. */
  static Result checkConfig(Path config, Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.sbtc.exporter.Main", "--config", config.toString(), "--check-config")
        .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG").contains(k));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "--check-config did not finish");
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
