package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sbtc.exporter.alerting.RuleFile.Alert;
import io.sbtc.exporter.check.Checklist;
import io.sbtc.exporter.check.Item;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One source of truth: the checklist (check/Checklist.java) and the alert rules describe the same
 * things. Every alert belongs to one item, every item an alert backs is measured by metrics the
 * exporter serves, and each alert reads at least one of its item's metrics. A new alert fails here
 * until it is added to its item's list (or a new item is added): that is the whole change.
 */
class ScorecardCoverageTest {
  final RuleFile rules = RuleFile.load();

  /** alert -> the items that name it, in checklist order. */
  static Map<String, List<String>> owners() {
    Map<String, List<String>> owners = new LinkedHashMap<>();
    for (Item item : Checklist.ITEMS) {
      item.alerts().forEach(a -> owners.computeIfAbsent(a, k -> new ArrayList<>()).add(item.id()));
    }
    return owners;
  }

  /** The table this test checks, printed with every failure so the fix is obvious. */
  static String table() {
    StringBuilder out = new StringBuilder("\nitem | metrics | alerts\n");
    for (Item item : Checklist.ITEMS) {
      out.append(item.id()).append(" | ").append(String.join(", ", item.metrics())).append(" | ")
          .append(String.join(", ", item.alerts())).append('\n');
    }
    return out.toString();
  }

  @Test
  void everyAlertBelongsToExactlyOneItem() {
    assertEquals(List.of(), ownership(rules), table());
  }

  static List<String> ownership(RuleFile rules) {
    Map<String, List<String>> owners = owners();
    List<String> problems = new ArrayList<>();
    for (Alert a : rules.alerts()) {
      List<String> items = owners.getOrDefault(a.name(), List.of());
      if (items.isEmpty()) {
        problems.add(a.name() + " belongs to no checklist item: add it to the alerts of the item in check/Checklist.java that "
            + "checks the same thing (or add an item)");
      } else if (items.size() > 1) {
        problems.add(a.name() + " belongs to several items: " + items);
      }
    }
    return problems;
  }

  @Test
  void everyAlertAnItemNamesIsInTheRules() {
    Set<String> inRules = new TreeSet<>();
    rules.alerts().forEach(a -> inRules.add(a.name()));
    Set<String> unknown = new TreeSet<>(owners().keySet());
    unknown.removeAll(inRules);
    assertEquals(Set.of(), unknown, "alerts named by checklist items but not in " + RuleFile.PATH + table());
  }

  @Test
  void everyItemAnAlertBacksIsMeasuredByMetricsTheExporterServes() {
    List<String> problems = new ArrayList<>();
    for (Item item : Checklist.ITEMS) {
      if (!item.alerts().isEmpty() && item.metrics().isEmpty()) {
        problems.add(item.id() + " has alerts but no metric");
      }
      for (String metric : item.metrics()) {
        String problem = KnownMetrics.problem(metric, rules.recordingRules().keySet());
        if (!problem.isEmpty()) {
          problems.add(item.id() + ": " + problem);
        }
      }
    }
    assertEquals(List.of(), problems, table());
  }

  /** An alert that reads none of its item's metrics watches something else than the item says. */
  @Test
  void eachAlertReadsAMetricOfItsItem() {
    Map<String, Item> byAlert = new LinkedHashMap<>();
    Checklist.ITEMS.forEach(i -> i.alerts().forEach(a -> byAlert.put(a, i)));
    List<String> problems = new ArrayList<>();
    for (Alert a : rules.alerts()) {
      Item item = byAlert.get(a.name());
      if (item == null) {
        continue; // reported by everyAlertBelongsToExactlyOneItem
      }
      Set<String> read = new TreeSet<>(PromQlNames.metricNames(a.expr()));
      read.removeIf(n -> rules.recordingRules().containsKey(n));
      if (read.isEmpty()) {
        continue; // an always-firing heartbeat, say: nothing to compare
      }
      if (read.stream().noneMatch(item.metrics()::contains)) {
        problems.add(a.name() + " reads " + read + ", none of which item " + item.id() + " lists");
      }
    }
    assertEquals(List.of(), problems, table());
  }

  /** The check must be able to fail: a rule file with one more alert. */
  @Test
  void anAlertWithoutAnItemIsFound(@TempDir Path dir) throws IOException {
    Path extended = dir.resolve("rules.yml");
    Files.writeString(extended, Files.readString(RuleFile.PATH) + """

          - name: something-new
            rules:
              - alert: SbtcSomethingNew
                expr: sbtc_exporter_build_info == 2
        """);
    List<String> expected = new ArrayList<>(ownership(rules));
    expected.add("SbtcSomethingNew belongs to no checklist item: add it to the alerts of the item in check/Checklist.java that "
        + "checks the same thing (or add an item)");
    assertEquals(expected, ownership(RuleFile.load(extended)));
  }
}
