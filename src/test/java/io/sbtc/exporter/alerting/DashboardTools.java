package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sbtc.exporter.testing.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * src/test/node/dashboard-tools.cjs, run by node: the Prometheus project's PromQL grammar, Grafana's
 * unit ids, Grafana's published dashboard schema and Grafana's panel transformations. Like every outside tool, a missing node or a
 * missing {@code npm ci} fails the test under CI=true and skips it elsewhere.
 */
final class DashboardTools {
  static final Path DIR = Path.of("src/test/node");
  static final Path SCRIPT = DIR.resolve("dashboard-tools.cjs");
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private final Path node;

  private DashboardTools(Path node) {
    this.node = node;
  }

  static DashboardTools require() {
    Path node = ExternalTool.require("node");
    installOnce();
    if (!installed()) {
      String message = DIR + "/node_modules is not installed: run `npm ci --prefix " + DIR + "` (.ci/run does)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + "; CI=true, so this test must not be skipped");
      }
      Assumptions.abort(message);
    }
    return new DashboardTools(node);
  }

  private static boolean installed() {
    return Files.isDirectory(DIR.resolve("node_modules/@prometheus-io/lezer-promql"))
        && Files.isDirectory(DIR.resolve("node_modules/@grafana/schema"));
  }

  /**
   * {@code mvn -B verify} alone must run these tests on a fresh clone: when npm is there and the
   * packages are not, install exactly the locked versions once, as .ci/run does.
   */
  private static synchronized void installOnce() {
    if (installed()) {
      return;
    }
    ExternalTool.find("npm").ifPresent(npm -> {
      ExternalTool.Result r = ExternalTool.run(
          List.of(npm.toString(), "ci", "--prefix", DIR.toString(), "--no-audit", "--no-fund"), Duration.ofMinutes(5));
      if (r.exitCode() != 0) {
        fail("npm ci --prefix " + DIR + " exited " + r.exitCode() + ":\n" + r.output());
      }
    });
  }

  /** One parse result per expression, in order. */
  List<PromQlTree.Parsed> parse(List<String> exprs) {
    JsonNode answer = run("promql", JSON.valueToTree(exprs));
    List<PromQlTree.Parsed> out = new ArrayList<>();
    for (JsonNode a : answer) {
      out.add(a.has("error") ? PromQlTree.Parsed.failed(a.get("error").asText()) : PromQlTree.Parsed.of(PromQlTree.from(a.get("tree"))));
    }
    return out;
  }

  /** Every unit id Grafana offers, from @grafana/data. */
  List<String> units() {
    List<String> out = new ArrayList<>();
    run("units", JSON.nullNode()).forEach(u -> out.add(u.asText()));
    return out;
  }

  /** Schema problems per dashboard name, from @grafana/schema. */
  JsonNode schemaProblems(JsonNode dashboardsByName) {
    return run("schema", dashboardsByName);
  }

  /** A panel's transformations applied to data frames by Grafana's own code (@grafana/data). */
  JsonNode transform(JsonNode transformations, JsonNode frames) {
    return run("transform", JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("transformations", transformations).set("frames", frames));
  }

  private JsonNode run(String command, JsonNode request) {
    Path in = null;
    Path err = null;
    try {
      in = Files.createTempFile("dashboard-tools-", ".json");
      err = Files.createTempFile("dashboard-tools-", ".err");
      Files.writeString(in, JSON.writeValueAsString(request));
      Process p = new ProcessBuilder(node.toString(), SCRIPT.toString(), command)
          .redirectInput(in.toFile()).redirectError(err.toFile()).start();
      // stdout is read to the end before waiting, so a large answer cannot fill the pipe and stall.
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        fail("node " + SCRIPT + " " + command + " did not finish within " + TIMEOUT);
      }
      if (p.exitValue() != 0) {
        fail("node " + SCRIPT + " " + command + " exited " + p.exitValue() + ":\n" + Files.readString(err));
      }
      return JSON.readTree(new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      deleteQuietly(in);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
