package io.sbtc.exporter.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Grafana dashboards under grafana/dashboards, and the PromQL in them. */
final class Dashboards {
  static final Path DIR = Path.of("grafana/dashboards");
  static final ObjectMapper JSON = new ObjectMapper();

  record Dashboard(Path path, JsonNode json) {
    /** Every panel, including those nested in collapsed rows. */
    List<JsonNode> panels() {
      return panelsOf(json);
    }

    /** Every expression as written, from panels, annotations and variable queries. */
    List<String> expressions() {
      List<String> out = new ArrayList<>();
      for (JsonNode panel : panels()) {
        for (JsonNode target : panel.path("targets")) {
          if (target.hasNonNull("expr")) {
            out.add(target.get("expr").asText());
          }
        }
      }
      for (JsonNode annotation : json.path("annotations").path("list")) {
        if (annotation.hasNonNull("expr")) {
          out.add(annotation.get("expr").asText());
        }
      }
      for (JsonNode variable : json.path("templating").path("list")) {
        if ("query".equals(variable.path("type").asText())) {
          out.add(variableSelector(variable));
        }
      }
      return out;
    }
  }

  private Dashboards() {}

  /** Every panel of a dashboard, including those nested in collapsed rows. */
  static List<JsonNode> panelsOf(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  static List<Dashboard> all() {
    try (Stream<Path> files = Files.list(DIR)) {
      List<Dashboard> out = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        out.add(new Dashboard(p, JSON.readTree(p.toFile())));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The series selector inside a variable's {@code label_values(selector, label)} query. */
  static String variableSelector(JsonNode variable) {
    JsonNode q = variable.path("query");
    String query = q.isObject() ? q.path("query").asText() : q.asText();
    if (!query.startsWith("label_values(") || !query.endsWith(")") || query.lastIndexOf(',') < 0) {
      throw new AssertionError("variable " + variable.path("name").asText() + ": expected label_values(selector, label), got " + query);
    }
    return query.substring("label_values(".length(), query.lastIndexOf(',')).trim();
  }

  /** An expression as Grafana sends it: its variables replaced by values of the right shape. */
  static String substituted(String expr) {
    return expr.replace("$__rate_interval", "5m").replace("${__rate_interval}", "5m")
        .replace("$__interval", "1m").replace("${__interval}", "1m")
        .replace("$__range", "1h").replace("${__range}", "1h")
        .replaceAll("\\$\\{?(job|instance)}?", "x");
  }
}
