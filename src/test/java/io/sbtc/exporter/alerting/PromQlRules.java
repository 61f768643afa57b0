package io.sbtc.exporter.alerting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query rules of grafana/dashboard-linter (lint/rule_target_*.go), applied to the syntax tree of
 * the Prometheus project's PromQL grammar. Each method returns the problems it found, empty when
 * the query follows the rule.
 */
final class PromQlRules {
  /**
   * What the linter puts in place of Grafana's global variables before parsing (lint/variables.go,
   * globalVariables): unusual durations, so that a range that came from $__rate_interval can be told
   * apart from one written by hand.
   */
  static final Map<String, String> GLOBALS = Map.ofEntries(
      Map.entry("__rate_interval", "8869990787ms"),
      Map.entry("__interval", "4867856611ms"),
      Map.entry("__interval_ms", "7781188786"),
      Map.entry("__range", "6069770749ms"),
      Map.entry("__range_s", "9397795485"),
      Map.entry("__range_ms", "6737667980"),
      Map.entry("__auto", "12345ms"));
  static final String RATE_INTERVAL = GLOBALS.get("__rate_interval");

  // $var, ${var} and [[var]], the three ways Grafana writes a variable (lint/variables.go, variableRegexp).
  private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\$\\{([^}]+)}|\\[\\[([^\\[\\]]+)]]");
  private static final Set<String> RATE_FUNCTIONS = Set.of("rate", "irate");
  private static final Set<String> COUNTER_FUNCTIONS = Set.of("rate", "irate", "increase");

  private PromQlRules() {}

  /**
   * The query as the linter parses it: variables outside double-quoted strings replaced by sample
   * values (globals by their durations, dashboard variables by their name); inside strings they stay,
   * so that {@code job=~"$job"} can be checked as written.
   */
  static String expand(String expr) {
    String[] parts = expr.split("\"", -1);
    for (int i = 0; i < parts.length; i += 2) {
      Matcher m = VARIABLE.matcher(parts[i]);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
        name = name.split(":", 2)[0];
        m.appendReplacement(out, Matcher.quoteReplacement(GLOBALS.getOrDefault(name, name)));
      }
      m.appendTail(out);
      parts[i] = out.toString();
    }
    return String.join("\"", parts);
  }

  /** lint/rule_target_job_instance.go: every selector has {@code label=~"$label"}, exactly. */
  static List<String> requiredMatcher(PromQlTree tree, String label) {
    List<String> problems = new ArrayList<>();
    for (PromQlTree selector : tree.all("VectorSelector")) {
      List<PromQlTree.Matcher> ofLabel = selector.matchers().stream().filter(m -> m.label().equals(label)).toList();
      boolean exact = ofLabel.stream().anyMatch(m -> m.op().equals("=~") && m.value().equals("$" + label));
      if (!exact) {
        problems.add(selector.text() + ": " + (ofLabel.isEmpty() ? label + " selector not found"
            : label + " selector is " + ofLabel.get(0).op() + "\"" + ofLabel.get(0).value() + "\", not =~\"$" + label + "\""));
      }
    }
    return problems;
  }

  /**
   * lint/rule_target_rate_interval.go: a range that is the direct argument of rate() or irate() is
   * $__rate_interval, which never misses samples whatever the zoom; a hand-written range elsewhere
   * must at least be a function's argument.
   */
  static List<String> rateInterval(PromQlTree tree) {
    List<String> problems = new ArrayList<>();
    tree.walk((node, ancestors) -> {
      if (!node.type().equals("MatrixSelector")) {
        return;
      }
      String range = node.child("DurationExpr").map(PromQlTree::text).orElse("");
      if (range.equals(RATE_INTERVAL) || ancestors.size() <= 1) {
        return;
      }
      Optional<String> function = PromQlTree.enclosingFunction(ancestors);
      if (function.isEmpty()) {
        problems.add(node.text() + ": a range outside a function call should use $__rate_interval");
      } else if (RATE_FUNCTIONS.contains(function.get())) {
        problems.add(function.get() + "(" + node.text() + "): should use $__rate_interval");
      }
    });
    return problems;
  }

  /**
   * lint/rule_target_counter_agg.go: a counter (a name ending in _total) is only shown through rate(),
   * irate() or increase(), never as its raw ever-growing value. The linter compares the selector's
   * whole text, so it misses a counter written with matchers; this compares the metric name.
   */
  static List<String> counterAggregated(PromQlTree tree) {
    List<String> problems = new ArrayList<>();
    tree.walk((node, ancestors) -> {
      if (!node.type().equals("VectorSelector") || !node.metricName().orElse("").endsWith("_total")) {
        return;
      }
      boolean ok = !ancestors.isEmpty() && ancestors.get(ancestors.size() - 1).type().equals("MatrixSelector")
          && PromQlTree.enclosingFunction(ancestors.subList(0, ancestors.size() - 1)).map(COUNTER_FUNCTIONS::contains).orElse(false);
      if (!ok) {
        problems.add("counter " + node.text() + " is not aggregated with rate, irate or increase");
      }
    });
    return problems;
  }

  /** The metric names a query selects. */
  static List<String> metricNames(PromQlTree tree) {
    List<String> out = new ArrayList<>();
    for (PromQlTree selector : tree.all("VectorSelector")) {
      selector.metricName().ifPresent(out::add);
    }
    return out;
  }
}
