package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.alerting.Dashboards.Dashboard;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.ExternalTool.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboards: shape, PromQL checked by the real promtool, and only metrics that exist. */
class DashboardsTest {
  final List<Dashboard> dashboards = Dashboards.all();

  @Test
  void theFleetTheOverviewAndTheDetailDashboardsAreThere() {
    Set<String> uids = new TreeSet<>();
    dashboards.forEach(d -> uids.add(d.json().path("uid").asText()));
    assertEquals(Set.of("sbtc-signer-fleet", "sbtc-signer-overview", "sbtc-signer-nodes", "sbtc-signer-signing"), uids);
    for (Dashboard d : dashboards) {
      assertEquals(d.path().getFileName().toString(), d.json().path("uid").asText() + ".json", "file name is the uid");
    }
  }

  /** One page answers "is my signer healthy": every area of the setup has a panel on it. */
  @Test
  void theOverviewCoversEveryPartOfTheSetup() {
    Dashboard overview = dashboards.stream().filter(d -> d.json().path("uid").asText().equals("sbtc-signer-overview")).findFirst().orElseThrow();
    Set<String> used = new TreeSet<>();
    overview.expressions().forEach(e -> used.addAll(PromQlNames.metricNames(Dashboards.substituted(e))));
    for (String needed : List.of("up", "ALERTS", "sbtc_exporter_source_up", "sbtc_signer_bitcoin_lag_blocks",
        "sbtc_signer_stacks_lag_blocks", "sbtc_bitcoin_blocks", "sbtc_stacks_tip_height", "peers_connected",
        "sbtc_bitcoin_peers", "sbtc_stacks_peers", "sign_requests_total", "blocks_observed_total",
        "signing_rounds_completed_total", "sbtc_signer_dkg_verified_key_matches_contract", "sbtc_backup_last_timestamp_seconds",
        "sbtc_backup_verify_success", "sbtc_logs_oldest_entry_timestamp_seconds", "sbtc_logs_last_write_timestamp_seconds",
        "sbtc_postgres_wal_last_archived_timestamp_seconds", "sbtc_exporter_source_errors_total",
        "sbtc_audit_file_mode_ok", "sbtc_audit_file_mode", "sbtc_audit_public_listener", "sbtc_audit_public_listeners_unexpected",
        "sbtc_version_running_info", "sbtc_version_below_minimum", "sbtc_version_unparsable", "sbtc_release_latest_info",
        "sbtc_release_behind", "sbtc_release_latest_published_timestamp_seconds")) {
      assertTrue(used.contains(needed), "the overview shows nothing of " + needed);
    }
  }

  @Test
  void everyDashboardPicksItsDatasourceJobAndInstanceThroughVariables() throws IOException {
    for (Dashboard d : dashboards) {
      String raw = Files.readString(d.path());
      assertFalse(raw.contains("__inputs") || raw.contains("${DS_"), d.path() + ": use the datasource variable, not __inputs");
      List<String> names = new ArrayList<>();
      for (JsonNode v : d.json().path("templating").path("list")) {
        names.add(v.path("name").asText());
        if (v.path("type").asText().equals("query")) {
          assertEquals("${datasource}", v.path("datasource").path("uid").asText(), d.path() + ": variable " + v.path("name"));
        }
      }
      assertEquals(List.of("datasource", "job", "instance"), names, d.path() + ": variables");
      JsonNode ds = d.json().path("templating").path("list").path(0);
      assertEquals("datasource", ds.path("type").asText());
      assertEquals("prometheus", ds.path("query").asText());
    }
  }

  @Test
  void everyPanelHasADescriptionAUnitAndQueriesTheDatasourceVariable() {
    List<String> problems = new ArrayList<>();
    for (Dashboard d : dashboards) {
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : d.panels()) {
        String where = d.path().getFileName() + ": panel \"" + p.path("title").asText() + "\"";
        if (!ids.add(p.path("id").asInt())) {
          problems.add(where + ": duplicate id " + p.path("id"));
        }
        if (p.path("type").asText().equals("row")) {
          continue;
        }
        if (p.path("description").asText().isBlank()) {
          problems.add(where + ": no description");
        }
        if (p.path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
          problems.add(where + ": no unit");
        }
        if (!p.path("datasource").path("uid").asText().equals("${datasource}")) {
          problems.add(where + ": datasource is not ${datasource}");
        }
        if (p.path("targets").isEmpty()) {
          problems.add(where + ": no query");
        }
        for (JsonNode target : p.path("targets")) {
          if (!target.path("datasource").path("uid").asText().equals("${datasource}")) {
            problems.add(where + ": query " + target.path("refId").asText() + " has another datasource");
          }
          if (target.path("expr").asText().isBlank()) {
            problems.add(where + ": query " + target.path("refId").asText() + " is empty");
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  /** Overlapping panels render on top of each other in Grafana, hiding one of them. */
  @Test
  void panelsFitTheGridWithoutOverlapping() {
    List<String> problems = new ArrayList<>();
    for (Dashboard d : dashboards) {
      List<JsonNode> panels = d.json().path("panels").findParents("gridPos").stream().filter(p -> p.has("type")).toList();
      for (int i = 0; i < panels.size(); i++) {
        JsonNode a = panels.get(i).path("gridPos");
        if (a.path("x").asInt() + a.path("w").asInt() > 24 || a.path("h").asInt() < 1) {
          problems.add(d.path().getFileName() + ": \"" + panels.get(i).path("title").asText() + "\" does not fit the 24-column grid");
        }
        for (JsonNode other : panels.subList(i + 1, panels.size())) {
          JsonNode b = other.path("gridPos");
          if (overlap(a, b, "x", "w") && overlap(a, b, "y", "h")) {
            problems.add(d.path().getFileName() + ": \"" + panels.get(i).path("title").asText() + "\" overlaps \""
                + other.path("title").asText() + "\"");
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  static boolean overlap(JsonNode a, JsonNode b, String start, String length) {
    return a.path(start).asInt() < b.path(start).asInt() + b.path(length).asInt()
        && b.path(start).asInt() < a.path(start).asInt() + a.path(length).asInt();
  }

  @Test
  void everyExpressionPassesPromtool(@TempDir Path tmp) throws IOException {
    Path promtool = ExternalTool.require("promtool");
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard-expressions\n    rules:\n");
    int n = 0;
    for (Dashboard d : dashboards) {
      for (String expr : d.expressions()) {
        rules.append("      - record: dashboard_check:expr_").append(n++).append("\n        expr: ")
            .append(RuleFile.YAML.writeValueAsString(Dashboards.substituted(expr)).replaceFirst("^---\\s*", "").strip().replace("\n", "\n          "))
            .append("\n");
      }
    }
    Path file = tmp.resolve("dashboards.rules.yml");
    Files.writeString(file, rules);
    Result r = ExternalTool.run(List.of(promtool.toString(), "check", "rules", file.toString()), Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.output() + "\n" + rules);
    assertTrue(r.output().contains("SUCCESS: " + n + " rules found"), r.output());
  }

  /** docs/dashboards.md has a section per dashboard, named by its title, with a row for each of its panels. */
  @Test
  void docsDescribeEveryPanel() throws IOException {
    String doc = Files.readString(Path.of("docs/dashboards.md"));
    List<String> problems = new ArrayList<>();
    for (Dashboard d : dashboards) {
      String title = d.json().path("title").asText();
      int start = doc.indexOf("\n## " + title + "\n");
      if (start < 0) {
        problems.add("no section \"## " + title + "\"");
        continue;
      }
      int end = doc.indexOf("\n## ", start + 1);
      String section = doc.substring(start, end < 0 ? doc.length() : end);
      for (JsonNode p : d.panels()) {
        if (!p.path("type").asText().equals("row") && !section.contains("\n| " + p.path("title").asText() + " |")) {
          problems.add(title + ": no row for panel \"" + p.path("title").asText() + "\"");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void provisioningPointsGrafanaAtTheDashboardsAndAPrometheus() {
    JsonNode datasources = RuleFile.read(Path.of("grafana/provisioning/datasources/prometheus.yml"));
    assertEquals("prometheus", datasources.path("datasources").path(0).path("type").asText());
    JsonNode providers = RuleFile.read(Path.of("grafana/provisioning/dashboards/sbtc-signer.yml"));
    assertEquals("file", providers.path("providers").path(0).path("type").asText());
    assertEquals("/var/lib/grafana/dashboards/sbtc-signer", providers.path("providers").path(0).path("options").path("path").asText());
  }
}
