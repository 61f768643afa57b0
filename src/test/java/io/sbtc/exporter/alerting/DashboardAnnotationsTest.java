package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.alerting.Dashboards.Dashboard;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.ExternalTool.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus annotations every dashboard shares: each marks its event once, at the step it
 * happens, and stays quiet otherwise, as the real promtool evaluates them. Grafana runs an
 * annotation query over the range with a step of $__interval and marks each step whose value is 1,
 * so a query compares each sample with the one an interval earlier ($__interval is 1m here).
 */
class DashboardAnnotationsTest {
  static final List<String> NAMES = List.of("Annotations & Alerts", "Critical alerts", "Signer restarts", "Exporter down",
      "Exporter restarts", "DKG rounds", "Version changes");

  @Test
  void everyDashboardHasTheSameAnnotations() {
    JsonNode first = null;
    for (Dashboard d : Dashboards.all()) {
      JsonNode list = d.json().path("annotations").path("list");
      assertEquals(NAMES, list.findValuesAsText("name"), d.path() + ": annotations");
      if (first == null) {
        first = list;
      }
      assertEquals(first, list, d.path() + ": the annotations differ from " + Dashboards.all().get(0).path());
    }
  }

  @Test
  void eachAnnotationMarksItsEventAndNothingElse(@TempDir Path tmp) throws IOException {
    Path promtool = ExternalTool.require("promtool");
    Map<String, String> expr = new LinkedHashMap<>();
    for (JsonNode a : Dashboards.all().get(0).json().path("annotations").path("list")) {
      if (a.has("expr")) {
        String e = a.get("expr").asText().replace("$__interval", "1m").replace("\"$job\"", "\".+\"").replace("\"$instance\"", "\".+\"");
        expr.put(a.get("name").asText(), e);
      }
    }
    assertEquals(NAMES.subList(1, NAMES.size()), List.copyOf(expr.keySet()));

    String test = """
        rule_files: []
        evaluation_interval: 1m
        tests:
          - interval: 1m
            input_series:
              # The signer restarts at 10m: its block counters start again from a few.
              - series: 'blocks_observed_total{app="signer",blockchain="stacks",job="sbtc",instance="a"}'
                values: '0+10x9 5+10x10'
              - series: 'blocks_observed_total{app="signer",blockchain="bitcoin",job="sbtc",instance="a"}'
                values: '100x9 1x10'
              # Prometheus cannot scrape the exporter at 10m only.
              - series: 'up{job="sbtc",instance="a"}'
                values: '1x9 0 1x10'
              # The exporter restarts at 10m, quicker than a scrape: up never says so, its start time does.
              - series: 'sbtc_exporter_start_timestamp_seconds{job="sbtc",instance="a"}'
                values: '1000x9 1600x10'
              # A new DKG round is stored at 10m.
              - series: 'sbtc_signer_dkg_rounds{job="sbtc",instance="a"}'
                values: '3x9 4x10'
              # The Stacks node is upgraded at 10m; PostgreSQL keeps its version.
              - series: 'sbtc_version_running_info{component="stacks_node",version="3.1",job="sbtc",instance="a"}'
                values: '1x9 stale'
              - series: 'sbtc_version_running_info{component="stacks_node",version="3.2",job="sbtc",instance="a"}'
                values: '_x10 1x10'
              - series: 'sbtc_version_running_info{component="postgres",version="16.4",job="sbtc",instance="a"}'
                values: '1x20'
              # The exporter itself is upgraded at 10m.
              - series: 'sbtc_exporter_build_info{version="0.1.0",job="sbtc",instance="a"}'
                values: '1x9 stale'
              - series: 'sbtc_exporter_build_info{version="0.2.0",job="sbtc",instance="a"}'
                values: '_x10 1x10'
              # A second signer starts at 6m: its first samples are no restart, no DKG round, no version change.
              - series: 'blocks_observed_total{app="signer",blockchain="stacks",job="sbtc",instance="b"}'
                values: '_x6 0+10x15'
              - series: 'sbtc_signer_dkg_rounds{job="sbtc",instance="b"}'
                values: '_x6 7x15'
              - series: 'sbtc_version_running_info{component="stacks_node",version="3.2",job="sbtc",instance="b"}'
                values: '_x6 1x15'
              - series: 'sbtc_exporter_build_info{version="0.2.0",job="sbtc",instance="b"}'
                values: '_x6 1x15'
              - series: 'sbtc_exporter_start_timestamp_seconds{job="sbtc",instance="b"}'
                values: '_x6 2000x15'
              - series: 'up{job="sbtc",instance="b"}'
                values: '_x6 1x15'
              # Critical alerts are marked, warnings are not. (`_xN` is N missing samples, `1xN` is N+1 samples.)
              - series: 'ALERTS{alertname="SbtcSignerNoPeers",alertstate="firing",severity="critical",job="sbtc",instance="a"}'
                values: '_x12 1x3 stale'
              - series: 'ALERTS{alertname="SbtcBackupTooOld",alertstate="firing",severity="warning",job="sbtc",instance="b"}'
                values: '1x20'
              - series: 'ALERTS{alertname="SbtcSignerNoPeers",alertstate="pending",severity="critical",job="sbtc",instance="b"}'
                values: '1x20'
            promql_expr_test:
        """ + cases(expr);
    Path file = tmp.resolve("annotations.test.yml");
    Files.writeString(file, test);
    Result r = ExternalTool.run(List.of(promtool.toString(), "test", "rules", file.toString()), Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.output() + "\n" + test);
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  /** For each annotation: where it is 1 (the event), and the steps around it where it marks nothing. */
  private static String cases(Map<String, String> expr) throws JsonProcessingException {
    StringBuilder out = new StringBuilder();
    String a = "{instance=\"a\", job=\"sbtc\"}";
    String b = "{instance=\"b\", job=\"sbtc\"}";
    // Signer restarts: 1 at 10m for a; 0 before and after, and for b, which just started.
    out.append(eval(expr.get("Signer restarts"), "10m", a + " 1", b + " 0"));
    out.append(eval(expr.get("Signer restarts"), "11m", a + " 0", b + " 0"));
    out.append(eval(expr.get("Signer restarts"), "6m", a + " 0"));
    out.append(eval(expr.get("Exporter down"), "10m", a + " 1", b + " 0"));
    out.append(eval(expr.get("Exporter down"), "9m", a + " 0", b + " 0"));
    out.append(eval(expr.get("Exporter restarts"), "10m", a + " 1", b + " 0"));
    out.append(eval(expr.get("Exporter restarts"), "11m", a + " 0", b + " 0"));
    out.append(eval(expr.get("Exporter restarts"), "6m", a + " 0"));
    out.append(eval(expr.get("DKG rounds"), "10m", a + " 1", b + " 0"));
    out.append(eval(expr.get("DKG rounds"), "11m", a + " 0", b + " 0"));
    out.append(eval(expr.get("DKG rounds"), "6m", a + " 0"));
    out.append(eval(expr.get("Version changes"), "10m",
        "sbtc_version_running_info{component=\"stacks_node\", instance=\"a\", job=\"sbtc\", version=\"3.2\"} 1",
        "sbtc_exporter_build_info{component=\"exporter\", instance=\"a\", job=\"sbtc\", version=\"0.2.0\"} 1"));
    out.append(eval(expr.get("Version changes"), "11m"));
    out.append(eval(expr.get("Version changes"), "6m"));
    out.append(eval(expr.get("Critical alerts"), "12m",
        "ALERTS{alertname=\"SbtcSignerNoPeers\", alertstate=\"firing\", instance=\"a\", job=\"sbtc\", severity=\"critical\"} 1"));
    out.append(eval(expr.get("Critical alerts"), "16m"));
    return out.toString();
  }

  private static String eval(String expr, String at, String... samples) throws JsonProcessingException {
    StringBuilder out = new StringBuilder("      - expr: ").append(Dashboards.JSON.writeValueAsString(expr))
        .append("\n        eval_time: ").append(at).append("\n        exp_samples:");
    if (samples.length == 0) {
      return out.append(" []\n").toString();
    }
    out.append("\n");
    for (String s : samples) {
      int space = s.lastIndexOf(' ');
      out.append("          - labels: ").append(Dashboards.JSON.writeValueAsString(s.substring(0, space)))
          .append("\n            value: ").append(s.substring(space + 1)).append("\n");
    }
    return out.toString();
  }
}
