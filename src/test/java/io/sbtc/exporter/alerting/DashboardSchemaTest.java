package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sbtc.exporter.alerting.Dashboards.Dashboard;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboards against Grafana's published schema: the dashboard types of @grafana/schema
 * (generated from Grafana's CUE kinds), and the options and field config of each panel plugin we
 * use. What this does and does not check is in docs/dashboards.md.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DashboardSchemaTest {

  @Test
  void everyDashboardMatchesTheSchemaAndABrokenOneDoesNot() throws IOException {
    ObjectNode request = Dashboards.JSON.createObjectNode();
    for (Dashboard d : Dashboards.all()) {
      request.set(d.path().getFileName().toString(), d.json());
    }
    request.set("bad-dashboard.json", Dashboards.JSON.readTree(DashboardLintTest.BAD.toFile()));
    JsonNode answer = DashboardTools.require().schemaProblems(request);

    Map<String, List<String>> problems = new TreeMap<>();
    answer.fields().forEachRemaining(e -> {
      List<String> list = new ArrayList<>();
      e.getValue().forEach(p -> list.add(p.asText()));
      problems.put(e.getKey(), list);
    });
    List<String> bad = problems.remove("bad-dashboard.json");
    Map<String, List<String>> none = new TreeMap<>();
    Dashboards.all().forEach(d -> none.put(d.path().getFileName().toString(), List.of()));
    assertEquals(none, problems);

    // Each mistake of the fixture, found at its place: enums, required fields, panel plugin options.
    for (String expected : List.of(
        "/graphTooltip: must be equal to one of the allowed values",
        "/links/0: must have required property 'tooltip'",
        "/templating/list/0/current: must have required property 'text'",
        "/panels/0/gridPos/w: must be number",
        "/panels/0/fieldConfig/defaults/color/mode: must be equal to one of the allowed values",
        "/panels/0/options/colorMode: must be equal to one of the allowed values",
        "/panels/1/fieldConfig/defaults/thresholds/mode: must be equal to one of the allowed values",
        "/panels/1/options/legend/displayMode: must be equal to one of the allowed values",
        "/panels/1/fieldConfig/defaults/custom/drawStyle: must be equal to one of the allowed values")) {
      assertTrue(bad.stream().anyMatch(p -> p.startsWith(expected)), "expected \"" + expected + "\" in\n" + String.join("\n", bad));
    }
  }
}
