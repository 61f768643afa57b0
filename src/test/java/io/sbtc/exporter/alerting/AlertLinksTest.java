package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sbtc.exporter.alerting.RuleFile.Alert;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.ExternalTool.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every alert links the dashboard that explains it and its runbook, both from the one pair of base
 * URLs in alerts/set-links.sh; the script moves them to an operator's own Grafana and runbooks and
 * touches nothing else.
 */
class AlertLinksTest {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final Path PROMETHEUS_RULE = Path.of("deploy/kubernetes/prometheusrule.yaml");
  static final Path OVERRIDES = Path.of("examples/sbtc-signer-overrides.rules.yml");
  /** {@code /d/<uid>}, then the alert's job and instance as the dashboards' variables, when it has them. */
  static final Pattern DASHBOARD_URL = Pattern.compile(Pattern.quote(AlertLinks.GRAFANA_URL)
      + "/d/([a-z0-9-]+)(\\?var-job=\\{\\{ \\$labels\\.job \\| urlquery }}(&var-instance=\\{\\{ \\$labels\\.instance \\| urlquery }})?)?");
  /** Metrics that say nothing about what an alert is about: every exporter has them. */
  static final Set<String> GENERIC = Set.of("sbtc_exporter_build_info");

  final RuleFile rules = RuleFile.load();

  @Test
  void everyAlertLinksADashboardThatShowsWhatItIsAbout() throws IOException {
    Map<String, Set<String>> families = new HashMap<>();
    Map<String, Set<String>> variables = new HashMap<>();
    for (Dashboards.Dashboard d : Dashboards.all()) {
      String uid = d.json().path("uid").asText();
      Set<String> f = new HashSet<>();
      d.expressions().forEach(e -> PromQlNames.metricNames(Dashboards.substituted(e)).forEach(n -> f.add(family(n))));
      families.put(uid, f);
      Set<String> v = new HashSet<>();
      d.json().path("templating").path("list").forEach(var -> v.add(var.path("name").asText()));
      variables.put(uid, v);
    }
    Map<String, Set<String>> labels = firingLabels();
    List<String> problems = new ArrayList<>();
    for (Alert a : rules.alerts()) {
      String url = a.annotations().getOrDefault("dashboard_url", "");
      Matcher m = DASHBOARD_URL.matcher(url);
      if (!m.matches()) {
        problems.add(a.name() + ": dashboard_url is \"" + url + "\"; expected, before its runbook_url: dashboard_url: "
            + AlertLinks.GRAFANA_URL + "/d/<uid of grafana/dashboards/*.json>?var-job={{ $labels.job | urlquery }}"
            + "&var-instance={{ $labels.instance | urlquery }}");
        continue;
      }
      String uid = m.group(1);
      if (!families.containsKey(uid)) {
        problems.add(a.name() + ": no dashboard in grafana/dashboards has the uid " + uid);
        continue;
      }
      Set<String> alertLabels = labels.getOrDefault(a.name(), Set.of());
      if ((m.group(2) != null) != alertLabels.contains("job") || (m.group(3) != null) != alertLabels.contains("instance")) {
        problems.add(a.name() + ": the link must select var-job and var-instance exactly when the alert has those labels "
            + "(its tests say " + alertLabels + "): " + url);
      }
      if (m.group(3) != null && !variables.get(uid).contains("instance")) {
        problems.add(a.name() + ": " + uid + " has no instance variable");
      }
      Set<String> own = new TreeSet<>(PromQlNames.metricNames(a.expr()));
      own.removeIf(n -> n.startsWith("sbtc_threshold:"));
      if (own.size() > 1) {
        own.removeAll(GENERIC);
      }
      if (!own.isEmpty() && own.stream().map(AlertLinksTest::family).noneMatch(families.get(uid)::contains)) {
        problems.add(a.name() + ": " + uid + " shows none of " + own + " (nor a metric of the same family)");
      }
    }
    assertEquals(List.of(), problems);
  }

  /** The family of a metric: its first three name parts, so sbtc_signer_dkg_* panels explain any DKG alert. */
  static String family(String metric) {
    String[] parts = metric.split("_");
    return String.join("_", List.of(parts).subList(0, Math.min(3, parts.length)));
  }

  /** The links in the shipped files are what the script makes with its own defaults: one setting, no drift. */
  @Test
  void theShippedLinksAreWhatTheScriptMakesWithItsDefaults() throws IOException {
    Path sh = ExternalTool.require("sh");
    List<Path> files = new ArrayList<>(List.of(RuleFile.PATH, PROMETHEUS_RULE, AlertRulesPromtoolTest.THRESHOLDS_MISSING_TEST));
    files.addAll(AlertRulesPromtoolTest.testFiles().toList());
    for (Path file : files) {
      Result r = ExternalTool.run(List.of(sh.toString(), "-c", "sh " + AlertLinks.SCRIPT + " < " + file), TIMEOUT);
      assertEquals(0, r.exitCode(), r.output());
      assertEquals(Files.readString(file), r.output(), file + " has a link that alerts/set-links.sh would change: "
          + "run it without options on the file");
    }
    for (Alert a : rules.alerts()) {
      assertEquals(AlertLinks.RUNBOOKS_URL + "#" + a.name().toLowerCase(Locale.ROOT), a.annotations().get("runbook_url"), a.name());
    }
  }

  /**
   * An operator's bases, applied to copies of the rules, the PrometheusRule and the tests: every link
   * moves, nothing else in the files changes, and promtool's expanded annotations still match.
   */
  @Test
  void otherBasesMoveEveryLinkAndNothingElse(@TempDir Path tmp) throws IOException {
    Path sh = ExternalTool.require("sh");
    Path promtool = ExternalTool.require("promtool");
    String runbooks = "https://wiki.example.org/sbtc&co/runbooks";
    String grafana = "https://ops.example.org/grafana";
    Path alerts = Files.createDirectories(tmp.resolve("alerts/tests"));
    Files.createDirectories(tmp.resolve("examples"));
    Path rulesCopy = Files.copy(RuleFile.PATH, tmp.resolve(RuleFile.PATH));
    Path k8sCopy = Files.copy(PROMETHEUS_RULE, tmp.resolve("prometheusrule.yaml"));
    Files.copy(OVERRIDES, tmp.resolve(OVERRIDES));
    List<Path> tests = new ArrayList<>();
    for (Path t : AlertRulesPromtoolTest.testFiles().toList()) {
      tests.add(Files.copy(t, alerts.resolve(t.getFileName())));
    }
    List<String> command = new ArrayList<>(List.of(sh.toString(), AlertLinks.SCRIPT.toString(),
        "--runbooks", runbooks, "--grafana", grafana + "/", rulesCopy.toString(), k8sCopy.toString()));
    tests.forEach(t -> command.add(t.toString()));
    Result r = ExternalTool.run(command, TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());

    RuleFile moved = RuleFile.load(rulesCopy);
    for (Alert a : moved.alerts()) {
      assertEquals(runbooks + "#" + a.name().toLowerCase(Locale.ROOT), a.annotations().get("runbook_url"), a.name());
      assertTrue(a.annotations().get("dashboard_url").startsWith(grafana + "/d/sbtc-signer-"), a.annotations().get("dashboard_url"));
    }
    assertEquals(withoutLinks(RuleFile.read(RuleFile.PATH)), withoutLinks(RuleFile.read(rulesCopy)), "only the links change");
    assertEquals(withoutLinks(RuleFile.read(PROMETHEUS_RULE)), withoutLinks(RuleFile.read(k8sCopy)), "only the links change");
    String k8s = Files.readString(k8sCopy);
    assertEquals(rules.alerts().size(), count(k8s, "runbook_url: " + runbooks + "#"), "the PrometheusRule's runbook links");
    assertEquals(rules.alerts().size(), count(k8s, "dashboard_url: " + grafana + "/d/"), "the PrometheusRule's dashboard links");
    for (Path t : tests) {
      Result test = ExternalTool.run(List.of(promtool.toString(), "test", "rules", t.toString()), TIMEOUT);
      assertEquals(0, test.exitCode(), t.getFileName() + " with the moved links:\n" + test.output());
    }
  }

  @Test
  void theScriptRefusesWhatIsNotABaseUrlAndLeavesTheFileAlone(@TempDir Path tmp) throws IOException {
    Path sh = ExternalTool.require("sh");
    Path copy = Files.copy(RuleFile.PATH, tmp.resolve("rules.yml"));
    for (List<String> args : List.of(List.of("--grafana", "grafana.example.org"), List.of("--runbooks", "https://x.example/a b"),
        List.of("--runbooks", "https://x.example/runbooks.md#top"), List.of("--colour", "red"), List.of("--grafana"))) {
      List<String> command = new ArrayList<>(List.of(sh.toString(), AlertLinks.SCRIPT.toString()));
      command.addAll(args);
      command.add(copy.toString());
      Result r = ExternalTool.run(command, TIMEOUT);
      assertEquals(2, r.exitCode(), args + ": " + r.output());
      assertTrue(r.output().contains("usage:") || r.output().contains("URL"), r.output());
    }
    assertEquals(Files.readString(RuleFile.PATH), Files.readString(copy));
    assertNotEquals(AlertLinks.RUNBOOKS_URL, AlertLinks.GRAFANA_URL);
  }

  /** The labels each alert fires with, from its firing cases in the promtool tests. */
  static Map<String, Set<String>> firingLabels() throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    List<Path> files = new ArrayList<>(AlertRulesPromtoolTest.testFiles().toList());
    files.add(AlertRulesPromtoolTest.THRESHOLDS_MISSING_TEST);
    for (Path file : files) {
      for (JsonNode test : RuleFile.read(file).path("tests")) {
        for (JsonNode c : test.path("alert_rule_test")) {
          for (JsonNode exp : c.path("exp_alerts")) {
            Set<String> l = out.computeIfAbsent(c.path("alertname").asText(), k -> new TreeSet<>());
            exp.path("exp_labels").fieldNames().forEachRemaining(l::add);
          }
        }
      }
    }
    return out;
  }

  /** A rule file's (or a PrometheusRule's, or a promtool test's) tree without its links. */
  static JsonNode withoutLinks(JsonNode tree) {
    JsonNode copy = tree.deepCopy();
    dropLinks(copy);
    return copy;
  }

  private static void dropLinks(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove(List.of("runbook_url", "dashboard_url"));
    }
    node.forEach(AlertLinksTest::dropLinks);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
