package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.alerting.RuleFile.Alert;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What on-call relies on in every alert: tested both ways, annotated, documented, with a runbook. */
class AlertRulesContractTest {
  static final String RUNBOOK_BASE = AlertLinks.RUNBOOKS_URL + "#";
  static final Path RUNBOOKS = Path.of("docs/runbooks.md");
  static final Path ALERTS_DOC = Path.of("docs/alerts.md");
  /** What every alert carries, and nothing else: a notification template can rely on each. */
  static final Set<String> ANNOTATIONS = Set.of("summary", "description", "dashboard_url", "runbook_url");
  /** The heartbeat: severity none (it goes to a dead man's switch, never to people) and never quiet. */
  static final String WATCHDOG = "SbtcWatchdog";

  final RuleFile rules = RuleFile.load();

  @Test
  void everyAlertHasASeverityAndItsAnnotations() {
    List<String> problems = new ArrayList<>();
    for (Alert a : rules.alerts()) {
      Set<String> severities = a.name().equals(WATCHDOG) ? Set.of("none") : Set.of("critical", "warning");
      if (!severities.contains(a.labels().get("severity"))) {
        problems.add(a.name() + ": severity must be one of " + severities + ", got " + a.labels().get("severity"));
      }
      for (String key : ANNOTATIONS) {
        if (a.annotations().getOrDefault(key, "").isBlank()) {
          problems.add(a.name() + ": no " + key);
        }
      }
      if (!a.annotations().getOrDefault("description", "").contains("{{")) {
        problems.add(a.name() + ": the description must show the values involved");
      }
      if (!ANNOTATIONS.containsAll(a.annotations().keySet())) {
        problems.add(a.name() + ": unexpected annotations " + a.annotations().keySet());
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyRunbookUrlPointsAtItsOwnSectionOfTheRunbooks() throws IOException {
    Set<String> anchors = runbookAnchors();
    List<String> problems = new ArrayList<>();
    for (Alert a : rules.alerts()) {
      String url = a.annotations().getOrDefault("runbook_url", "");
      String expected = RUNBOOK_BASE + a.name().toLowerCase(Locale.ROOT);
      if (!url.equals(expected)) {
        problems.add(a.name() + ": runbook_url is " + url + ", expected " + expected);
      }
      if (!anchors.contains(a.name().toLowerCase(Locale.ROOT))) {
        problems.add(a.name() + ": docs/runbooks.md has no \"## " + a.name() + "\" section");
      }
    }
    Set<String> orphans = new TreeSet<>(anchors);
    rules.alerts().forEach(a -> orphans.remove(a.name().toLowerCase(Locale.ROOT)));
    orphans.removeIf(anchor -> !anchor.startsWith("sbtc")); // the introduction's sections
    assertEquals(List.of(), problems);
    assertEquals(Set.of(), orphans, "runbook sections without an alert");
  }

  @Test
  void everyRunbookSectionSaysWhatItMeansHowToConfirmAndHowToFix() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String section : Files.readString(RUNBOOKS).split("\n## ")) {
      String title = section.lines().findFirst().orElse("");
      if (!title.startsWith("Sbtc")) {
        continue;
      }
      // Scope first: at 3 a.m. the first question is whether the problem is this signer's at all.
      List<String> parts = List.of("**Scope.**", "**Means.**", "**Confirm.**", "**Fix.**", "**Escalate.**");
      int last = -1;
      for (String part : parts) {
        int at = section.indexOf("\n" + part);
        if (at < 0) {
          problems.add(title + ": no " + part + " paragraph (a section has, in this order, " + String.join(" ", parts) + ")");
        } else if (at < last) {
          problems.add(title + ": " + part + " out of order (" + String.join(" ", parts) + ")");
        }
        last = Math.max(last, at);
      }
      if (!Pattern.compile("\\*\\*Confirm\\.\\*\\*[^\\n]*`[^`]+`").matcher(section).find()) {
        problems.add(title + ": Confirm must give a command");
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyAlertHasAFiringCaseAndAQuietCaseInThePromtoolTests() throws IOException {
    Map<String, Integer> firing = new HashMap<>();
    Map<String, Integer> quiet = new HashMap<>();
    List<Path> testFiles = new ArrayList<>(List.of(AlertRulesPromtoolTest.THRESHOLDS_MISSING_TEST));
    try (Stream<Path> files = Files.list(Path.of("alerts/tests"))) {
      files.filter(p -> p.toString().endsWith(".test.yml")).forEach(testFiles::add);
    }
    {
      for (Path file : testFiles) {
        JsonNode root = RuleFile.read(file);
        String rules = file.equals(AlertRulesPromtoolTest.THRESHOLDS_MISSING_TEST) ? "rules-without-thresholds.yml" : "../sbtc-signer.rules.yml";
        assertEquals(rules, root.path("rule_files").path(0).asText(), file + " must test the bundled rules");
        for (JsonNode test : root.path("tests")) {
          for (JsonNode c : test.path("alert_rule_test")) {
            String name = c.path("alertname").asText();
            boolean fires = c.path("exp_alerts").size() > 0;
            (fires ? firing : quiet).merge(name, 1, Integer::sum);
            for (JsonNode exp : c.path("exp_alerts")) {
              assertTrue(exp.path("exp_annotations").size() == ANNOTATIONS.size(),
                  file + ": " + name + ": a firing case must pin all of " + ANNOTATIONS + " exactly");
            }
          }
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (Alert a : rules.alerts()) {
      if (!firing.containsKey(a.name())) {
        problems.add(a.name() + ": no test case in which it fires");
      }
      if (!quiet.containsKey(a.name()) && !a.name().equals(WATCHDOG)) {
        problems.add(a.name() + ": no test case in which it stays quiet");
      }
    }
    Set<String> unknown = new TreeSet<>(firing.keySet());
    unknown.addAll(quiet.keySet());
    rules.alerts().forEach(a -> unknown.remove(a.name()));
    assertEquals(List.of(), problems);
    assertEquals(Set.of(), unknown, "test cases for alerts that do not exist");
  }

  /**
   * How every threshold is recorded: per exporter, the operator's override where there is one, else the
   * default (the number at the end). alerts/tests/overrides.test.yml shows that this form works.
   */
  static final Pattern THRESHOLD = Pattern.compile(
      "^max by \\(job, instance\\) \\(sbtc_threshold_override:(\\w+)\\) or on \\(job, instance\\)"
          + " group by \\(job, instance\\) \\(sbtc_exporter_build_info\\) \\* ([0-9.]+)$");

  /** docs/alerts.md's table is what operators read; it must say what the rule file does. */
  @Test
  void theThresholdTableInDocsAlertsMatchesTheRules() throws IOException {
    Pattern row = Pattern.compile("^\\| `(Sbtc\\w+)` \\| (\\w+) \\| (\\w+) \\| ([^|]*) \\| ([^|]*) \\|$", Pattern.MULTILINE);
    Pattern thresholdRule = Pattern.compile("`(sbtc_threshold:\\w+)`");

    Map<String, Alert> byName = new TreeMap<>();
    rules.alerts().forEach(a -> byName.put(a.name(), a));
    Set<String> inTable = new TreeSet<>();
    Set<String> thresholdsInTable = new TreeSet<>();
    List<String> problems = new ArrayList<>();
    Matcher m = row.matcher(Files.readString(ALERTS_DOC));
    while (m.find()) {
      String name = m.group(1);
      inTable.add(name);
      Alert a = byName.get(name);
      if (a == null) {
        problems.add(name + " is in docs/alerts.md but not in the rules");
        continue;
      }
      if (!m.group(2).equals(a.labels().get("severity"))) {
        problems.add(name + ": severity " + m.group(2) + " in docs/alerts.md, " + a.labels().get("severity") + " in the rules");
      }
      if (!m.group(3).equals(a.forDuration())) {
        problems.add(name + ": for " + m.group(3) + " in docs/alerts.md, " + a.forDuration() + " in the rules");
      }
      Matcher t = thresholdRule.matcher(m.group(4));
      if (t.find()) {
        String rule = t.group(1);
        thresholdsInTable.add(rule);
        if (!a.expr().contains("group_left () " + rule)) {
          problems.add(name + ": docs/alerts.md names " + rule + ", the expression does not use it");
        }
        Matcher v = THRESHOLD.matcher(rules.recordingRules().getOrDefault(rule, ""));
        if (!v.matches() || !v.group(1).equals(rule.substring("sbtc_threshold:".length()))) {
          problems.add(rule + " is not defined as " + THRESHOLD.pattern() + " with its own name in the rules");
        } else if (Double.parseDouble(v.group(2)) != Double.parseDouble(m.group(5).trim())) {
          problems.add(rule + ": default " + m.group(5).trim() + " in docs/alerts.md, " + v.group(2) + " in the rules");
        }
      }
    }
    Set<String> untabled = new TreeSet<>(byName.keySet());
    untabled.removeAll(inTable);
    Set<String> thresholds = new TreeSet<>();
    rules.recordingRules().keySet().stream().filter(r -> r.startsWith("sbtc_threshold:")).forEach(thresholds::add);
    thresholds.removeAll(thresholdsInTable);
    assertEquals(List.of(), problems);
    assertEquals(Set.of(), untabled, "alerts missing from the table in docs/alerts.md");
    assertEquals(Set.of(), thresholds, "thresholds missing from the table in docs/alerts.md");
  }

  /** The guard counts the thresholds it expects: a threshold added without raising the count would go unguarded. */
  @Test
  void theThresholdsGuardExpectsEveryThreshold() {
    Alert guard = rules.alerts().stream().filter(a -> a.name().equals("SbtcAlertThresholdsMissing")).findFirst().orElseThrow();
    long thresholds = rules.recordingRules().keySet().stream().filter(r -> r.startsWith("sbtc_threshold:")).count();
    assertEquals(rules.recordingRules().size(), thresholds, "the thresholds are the only recording rules");
    assertTrue(guard.expr().contains("(count by (job, instance) ({__name__=~\"sbtc_threshold:.+\"}) >= " + thresholds + ")"), guard.expr());
    assertTrue(guard.annotations().get("description").contains("of the " + thresholds + " sbtc_threshold:* series"));
  }

  @Test
  void everyThresholdAnAlertUsesIsDefinedAndEveryDefinedOneIsUsed() {
    Pattern used = Pattern.compile("sbtc_threshold:\\w+");
    Set<String> all = new TreeSet<>();
    for (Alert a : rules.alerts()) {
      Matcher m = used.matcher(a.expr());
      while (m.find()) {
        all.add(m.group());
      }
    }
    assertEquals(new TreeSet<>(rules.recordingRules().keySet()), all);
  }

  @Test
  void everyMetricAnAlertUsesIsEmittedOrRelayed() {
    List<String> problems = new ArrayList<>();
    for (Alert a : rules.alerts()) {
      Set<String> names = new TreeSet<>(PromQlNames.metricNames(a.expr()));
      a.annotations().values().forEach(text -> names.addAll(annotationQueryNames(text)));
      for (String name : names) {
        String problem = KnownMetrics.problem(name, rules.recordingRules().keySet());
        if (!problem.isEmpty()) {
          problems.add(a.name() + ": " + problem);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  /** Operators with a relay prefix rename with the sed line in docs/alerts.md; it must miss nothing. */
  @Test
  void theRelayPrefixRecipeRenamesEveryRelayedNameTheRulesAndDashboardsUse() throws IOException {
    Set<String> inUse = new TreeSet<>();
    List<String> expressions = new ArrayList<>();
    rules.alerts().forEach(a -> expressions.add(a.expr()));
    rules.alerts().forEach(a -> a.annotations().values().forEach(t -> inUse.addAll(annotationQueryNames(t))));
    Dashboards.all().forEach(d -> expressions.addAll(d.expressions()));
    for (String e : expressions) {
      PromQlNames.metricNames(Dashboards.substituted(e)).stream().filter(KnownMetrics::isRelayed)
          .map(n -> n.replaceFirst("_(bucket|sum|count)$", "")).forEach(inUse::add);
    }
    inUse.removeIf(n -> !KnownMetrics.isRelayed(n));
    Matcher names = Pattern.compile("^s/\\\\b\\(([a-z_|]+)\\)").matcher(relayPrefixSedScript());
    assertTrue(names.find(), "the relay prefix sed script does not start with s/\\b(name|name|...)");
    assertEquals(inUse, new TreeSet<>(List.of(names.group(1).split("\\|"))));
  }

  /** The sed script of the relay prefix recipe in docs/alerts.md: {@code sed -E -i '<script>' files}. */
  static String relayPrefixSedScript() throws IOException {
    Matcher sed = Pattern.compile("sed -E -i '([^']+)'").matcher(Files.readString(ALERTS_DOC));
    assertTrue(sed.find(), "docs/alerts.md has no relay prefix sed line");
    return sed.group(1);
  }

  /** Metric names in the `query` templates of an annotation ({{ with query "..." }} or printf `...`). */
  static Set<String> annotationQueryNames(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("query \"([^\"]+)\"|printf `([^`]+)`").matcher(text);
    while (m.find()) {
      String q = (m.group(1) != null ? m.group(1) : m.group(2)).replace("%q", "\"x\"");
      names.addAll(PromQlNames.metricNames(q));
    }
    return names;
  }

  /** GitHub's anchors for the "## " headings of docs/runbooks.md. */
  static Set<String> runbookAnchors() throws IOException {
    Set<String> anchors = new TreeSet<>();
    for (String line : Files.readAllLines(RUNBOOKS)) {
      if (line.startsWith("## ")) {
        anchors.add(line.substring(3).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }
}
