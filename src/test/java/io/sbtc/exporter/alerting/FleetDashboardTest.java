package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sbtc.exporter.alerting.Dashboards.Dashboard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fleet dashboard: one table row per signer however many there are, every signal the issue
 * names in that row or beside it, and a way from each signer to its own dashboards.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FleetDashboardTest {
  static final String UID = "sbtc-signer-fleet";
  static final List<String> PER_SIGNER = List.of("sbtc-signer-overview", "sbtc-signer-nodes", "sbtc-signer-signing");

  final Dashboard fleet = Dashboards.all().stream().filter(d -> d.json().path("uid").asText().equals(UID)).findFirst().orElseThrow();

  JsonNode panel(String title) {
    return fleet.panels().stream().filter(p -> p.path("title").asText().equals(title)).findFirst().orElseThrow(() -> new AssertionError("no panel " + title));
  }

  /** 50 signers are 50 table rows, not 50 copies of a panel. */
  @Test
  void nothingRepeatsPerInstance() {
    for (JsonNode p : fleet.panels()) {
      assertTrue(p.path("repeat").asText().isEmpty(), p.path("title") + " repeats over " + p.path("repeat"));
    }
    assertTrue(fleet.json().path("panels").findValues("repeat").isEmpty());
  }

  /**
   * The Signers table merges its queries into rows by their labels; only queries whose every
   * result is keyed by exactly (job, instance) give one row per signer. Read from the parse tree.
   */
  @Test
  void everyColumnOfTheSignersTableIsOneValuePerSigner() {
    JsonNode table = panel("Signers");
    assertEquals("merge", table.path("transformations").path(0).path("id").asText());
    DashboardTools tools = DashboardTools.require();
    List<String> exprs = new ArrayList<>();
    table.path("targets").forEach(t -> exprs.add(PromQlRules.expand(t.path("expr").asText())));
    List<PromQlTree.Parsed> parsed = tools.parse(exprs);
    List<String> problems = new ArrayList<>();
    Set<String> metrics = new TreeSet<>();
    for (int i = 0; i < exprs.size(); i++) {
      PromQlTree root = parsed.get(i).tree();
      Set<String> labels = root == null ? null : outputLabels(root.children().get(0));
      if (!Set.of("job", "instance").equals(labels)) {
        problems.add(exprs.get(i) + " is keyed by " + labels);
      }
      if (root != null) {
        metrics.addAll(PromQlRules.metricNames(root));
      }
      JsonNode t = table.path("targets").get(i);
      if (!t.path("instant").asBoolean() || !t.path("format").asText().equals("table")) {
        problems.add(t.path("refId").asText() + " is not an instant table query");
      }
    }
    assertEquals(List.of(), problems);
    // Sources up/down, the three lags, backup age and last verified restore, log coverage, alerts, versions.
    assertTrue(metrics.containsAll(List.of("up", "sbtc_exporter_source_up", "sbtc_signer_bitcoin_lag_blocks",
        "sbtc_signer_stacks_lag_blocks", "sbtc_stacks_burn_block_lag_blocks", "sbtc_backup_last_timestamp_seconds",
        "sbtc_backup_verify_last_success_timestamp_seconds", "sbtc_logs_oldest_entry_timestamp_seconds", "ALERTS",
        "sbtc_version_below_minimum", "sbtc_release_behind")), metrics.toString());
  }

  /**
   * The Signers table at 50 signers, through Grafana's own transformations: the frames are shaped as
   * Grafana's Prometheus data source returns instant table queries (Time, the labels, "Value #refId"),
   * and half the signers have no backups or release feed. Out comes one row per signer, signer first.
   */
  @Test
  void fiftySignersAreFiftyRows() {
    JsonNode table = panel("Signers");
    ArrayNode frames = Dashboards.JSON.createArrayNode();
    List<String> columns = new ArrayList<>(List.of("instance"));
    for (JsonNode t : table.path("targets")) {
      String ref = t.path("refId").asText();
      String expr = t.path("expr").asText();
      boolean optional = expr.contains("sbtc_backup_") || expr.contains("sbtc_release_");
      ArrayNode time = Dashboards.JSON.createArrayNode();
      ArrayNode job = Dashboards.JSON.createArrayNode();
      ArrayNode instance = Dashboards.JSON.createArrayNode();
      ArrayNode value = Dashboards.JSON.createArrayNode();
      for (int i = 1; i <= 50; i++) {
        if (optional && i % 2 == 0) {
          continue;
        }
        time.add(1_700_000_000_000L);
        job.add("sbtc-signer-exporter");
        instance.add(String.format("signer-%02d:10184", i));
        value.add(i);
      }
      ObjectNode frame = frames.addObject().put("refId", ref);
      ArrayNode fields = frame.putArray("fields");
      fields.addObject().put("name", "Time").put("type", "time").set("values", time);
      fields.addObject().put("name", "job").put("type", "string").set("values", job);
      fields.addObject().put("name", "instance").put("type", "string").set("values", instance);
      fields.addObject().put("name", "Value #" + ref).put("type", "number").set("values", value);
      columns.add(table.path("transformations").path(1).path("options").path("renameByName").path("Value #" + ref).asText());
    }
    JsonNode out = DashboardTools.require().transform(table.path("transformations"), frames);
    assertEquals(1, out.size(), "one table");
    List<String> names = out.get(0).path("fields").findValuesAsText("name");
    assertEquals(columns, names);
    assertEquals(50, out.get(0).path("fields").get(0).path("values").size(), "rows");
    Set<String> signers = new TreeSet<>();
    out.get(0).path("fields").get(0).path("values").forEach(v -> signers.add(v.asText()));
    assertEquals(50, signers.size(), "one row per signer");
  }

  /** Per component, one row per signer: the matrix's first column is the signer, named so its links apply. */
  @Test
  void componentMatricesHaveOneRowPerSigner() {
    for (String[] c : new String[][] {{"Log coverage per component", "Value", "number"}, {"Versions per component", "version", "string"}}) {
      ArrayNode frames = Dashboards.JSON.createArrayNode();
      ArrayNode fields = frames.addObject().put("refId", "A").putArray("fields");
      ArrayNode component = Dashboards.JSON.createArrayNode();
      ArrayNode instance = Dashboards.JSON.createArrayNode();
      ArrayNode value = Dashboards.JSON.createArrayNode();
      for (String[] row : new String[][] {{"a", "signer"}, {"a", "stacks_node"}, {"b", "signer"}}) {
        instance.add(row[0]);
        component.add(row[1]);
        if (c[2].equals("number")) {
          value.add(86400);
        } else {
          value.add("v1");
        }
      }
      fields.addObject().put("name", "component").put("type", "string").set("values", component);
      fields.addObject().put("name", "instance").put("type", "string").set("values", instance);
      fields.addObject().put("name", c[1]).put("type", c[2]).set("values", value);
      JsonNode out = DashboardTools.require().transform(panel(c[0]).path("transformations"), frames);
      assertEquals(List.of("instance", "signer", "stacks_node"), out.get(0).path("fields").findValuesAsText("name"), c[0]);
      assertEquals(2, out.get(0).path("fields").get(0).path("values").size(), c[0] + ": rows");
    }
  }

  /** Beside the Signers table, one row per signer too: log coverage and versions per component. */
  @Test
  void logCoverageAndVersionsArePerComponentMatrices() {
    for (String title : List.of("Log coverage per component", "Versions per component")) {
      JsonNode t = panel(title).path("transformations").path(0);
      assertEquals("groupingToMatrix", t.path("id").asText(), title);
      assertEquals("component", t.path("options").path("columnField").asText(), title);
      assertEquals("instance", t.path("options").path("rowField").asText(), title);
    }
    assertTrue(panel("Log coverage per component").path("targets").path(0).path("expr").asText().contains("sbtc_logs_oldest_entry_timestamp_seconds"));
    assertTrue(panel("Versions per component").path("targets").path(0).path("expr").asText().contains("sbtc_version_running_info"));
  }

  /** Every instance column links to the signer's overview, nodes and signing dashboards with it preselected. */
  @Test
  void everySignerLinksToItsOwnDashboards() {
    Set<String> uids = new TreeSet<>();
    Dashboards.all().forEach(d -> uids.add(d.json().path("uid").asText()));
    assertTrue(uids.containsAll(PER_SIGNER), uids.toString());
    int tables = 0;
    for (JsonNode p : fleet.panels()) {
      if (!p.path("type").asText().equals("table")) {
        continue;
      }
      tables++;
      List<String> urls = new ArrayList<>();
      for (JsonNode o : p.path("fieldConfig").path("overrides")) {
        if (o.path("matcher").path("options").asText().equals("instance")) {
          for (JsonNode prop : o.path("properties")) {
            if (prop.path("id").asText().equals("links")) {
              prop.path("value").forEach(l -> urls.add(l.path("url").asText()));
            }
          }
        }
      }
      for (String uid : PER_SIGNER) {
        assertTrue(urls.stream().anyMatch(u -> u.startsWith("/d/" + uid + "/") && u.contains("var-instance=${__value.raw}")
            && u.contains("${datasource:queryparam}") && u.contains("${__url_time_range}")), p.path("title") + ": no link to " + uid + " in " + urls);
      }
    }
    assertEquals(5, tables, "tables in the fleet dashboard");
  }

  @Test
  void itIsProvisionedWithTheOthers() {
    assertEquals(Path.of("grafana/dashboards/" + UID + ".json"), fleet.path());
    JsonNode providers = RuleFile.read(Path.of("grafana/provisioning/dashboards/sbtc-signer.yml"));
    assertEquals("/var/lib/grafana/dashboards/sbtc-signer", providers.path("providers").path(0).path("options").path("path").asText());
    assertFalse(providers.path("providers").path(0).path("allowUiUpdates").asBoolean(true), "provisioned dashboards are not saved from the UI");
  }

  /**
   * The labels every series of an expression carries, or null when they cannot be known from the
   * expression alone (a bare selector keeps whatever labels its series have).
   */
  static Set<String> outputLabels(PromQlTree node) {
    switch (node.type()) {
      case "ParenExpr":
        return outputLabels(node.children().stream().filter(c -> !c.text().equals("(") && !c.text().equals(")")).findFirst().orElseThrow());
      case "AggregateExpr": {
        PromQlTree modifier = node.child("AggregateModifier").orElse(null);
        if (modifier == null || modifier.child("By").isEmpty()) {
          return modifier == null ? Set.of() : null;
        }
        Set<String> labels = new TreeSet<>();
        modifier.child("GroupingLabels").ifPresent(g -> g.children().forEach(l -> labels.add(l.text())));
        return labels;
      }
      case "BinaryExpr": {
        List<PromQlTree> operands = node.children().stream()
            .filter(c -> c.type().endsWith("Expr") || c.type().equals("NumberDurationLiteral") || c.type().equals("VectorSelector")).toList();
        if (operands.size() != 2) {
          return null;
        }
        Set<String> left = labelsOrNumber(operands.get(0));
        Set<String> right = labelsOrNumber(operands.get(1));
        if (left == NUMBER) {
          return right;
        }
        if (right == NUMBER) {
          return left;
        }
        return left != null && left.equals(right) ? left : null;
      }
      default:
        return null;
    }
  }

  private static final Set<String> NUMBER = Set.of("<number>");

  private static Set<String> labelsOrNumber(PromQlTree node) {
    return node.type().equals("NumberDurationLiteral") ? NUMBER : outputLabels(node);
  }
}
