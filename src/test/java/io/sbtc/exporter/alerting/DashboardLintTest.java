package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.alerting.DashboardLint.Finding;
import io.sbtc.exporter.alerting.Dashboards.Dashboard;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboards follow every rule of grafana/dashboard-linter, checked on the syntax trees of the
 * Prometheus project's PromQL parser, and a known-bad dashboard shows that each rule can fail.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DashboardLintTest {
  static final Path BAD = Path.of("src/test/resources/fixtures/grafana/bad-dashboard.json");

  static DashboardTools tools;
  static DashboardLint lint;

  @BeforeAll
  static void tools() {
    tools = DashboardTools.require();
    lint = new DashboardLint(new HashSet<>(tools.units()), tools::parse);
  }

  @Test
  void everyDashboardHasZeroFindings() {
    List<Finding> findings = new ArrayList<>();
    for (Dashboard d : Dashboards.all()) {
      findings.addAll(lint.lint(d.path().getFileName().toString(), d.json()));
    }
    assertEquals(List.of(), findings.stream().map(Finding::toString).toList());
  }

  @Test
  void theKnownBadDashboardBreaksEveryRule() throws IOException {
    List<Finding> findings = lint.lint("bad-dashboard.json", Dashboards.JSON.readTree(BAD.toFile()));
    Set<String> broken = new TreeSet<>();
    findings.forEach(f -> broken.add(f.rule()));
    assertEquals(new TreeSet<>(DashboardLint.RULES), broken, findings.stream().map(Finding::toString).reduce("", (a, b) -> a + "\n" + b));
    // The matcher rules read the parsed selector: a label written as instance="..." is not instance=~"$instance".
    assertTrue(findings.stream().anyMatch(f -> f.rule().equals("target-instance-rule")
        && f.message().contains("instance selector is =\"signer-1:10184\"")), findings.toString());
    assertTrue(findings.stream().anyMatch(f -> f.rule().equals("target-rate-interval-rule") && f.where().endsWith("target A")), findings.toString());
    assertTrue(findings.stream().anyMatch(f -> f.rule().equals("target-counter-agg-rule") && f.where().endsWith("target B")), findings.toString());
    assertTrue(findings.stream().anyMatch(f -> f.rule().equals("target-promql-rule") && f.where().endsWith("target C")), findings.toString());
  }

  /** The parser, not a pattern, finds selectors: inside functions, subqueries, binary operators and offsets. */
  @Test
  void matchersAreFoundWhereverASelectorIs() {
    String expr = "max_over_time(rate(a_total{job=~\"$job\", instance=~\"$instance\"}[$__rate_interval])[1h:]) "
        + "/ on (job) group_left b{instance=~\"$instance\"} offset 1h unless c{job=~\"$job\", instance=~\"x\"}";
    PromQlTree tree = tools.parse(List.of(PromQlRules.expand(expr))).get(0).tree();
    assertEquals(List.of("a_total", "b", "c"), PromQlRules.metricNames(tree));
    assertEquals(List.of("b{instance=~\"$instance\"}: job selector not found"), PromQlRules.requiredMatcher(tree, "job"));
    assertEquals(List.of("c{job=~\"$job\", instance=~\"x\"}: instance selector is =~\"x\", not =~\"$instance\""),
        PromQlRules.requiredMatcher(tree, "instance"));
    assertEquals(List.of(), PromQlRules.rateInterval(tree));
    assertEquals(List.of(), PromQlRules.counterAggregated(tree));
  }

  /** The unit list is Grafana's own: the ids of its unit picker, without the custom "suffix:" kind. */
  @Test
  void unitsComeFromGrafana() {
    List<String> units = tools.units();
    assertTrue(units.size() > 200, "Grafana offers a few hundred units, got " + units.size());
    assertTrue(units.containsAll(List.of("short", "s", "dtdurations", "bytes", "percentunit", "dateTimeFromNow", "reqps")), units.toString());
    assertFalse(units.stream().anyMatch(u -> u.startsWith("suffix:")), units.toString());
  }

  /** Names read from the parsed queries: every metric a dashboard shows is one the exporter or the signer emits. */
  @Test
  void everyMetricIsEmittedOrRelayed() {
    Set<String> recording = RuleFile.load().recordingRules().keySet();
    List<String> problems = new ArrayList<>();
    for (Dashboard d : Dashboards.all()) {
      List<String> exprs = d.expressions().stream().map(PromQlRules::expand).toList();
      List<PromQlTree.Parsed> parsed = tools.parse(exprs);
      for (int i = 0; i < exprs.size(); i++) {
        if (parsed.get(i).tree() == null) {
          problems.add(d.path().getFileName() + ": does not parse: " + exprs.get(i));
          continue;
        }
        for (String name : PromQlRules.metricNames(parsed.get(i).tree())) {
          String problem = KnownMetrics.problem(name, recording);
          if (!problem.isEmpty()) {
            problems.add(d.path().getFileName() + ": " + problem);
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }
}
