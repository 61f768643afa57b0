package io.sbtc.exporter.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every rule of grafana/dashboard-linter (lint/rules.go, NewRuleSet) over one dashboard, plus the
 * same query rules for annotation queries. Rule names are the linter's, so a finding can be looked
 * up in its docs/rules/. Where the linter is looser than its own description, this follows the
 * description (each such place says so).
 *
 * <p>target-logql-rule and target-logql-auto-rule concern Loki queries only; template-datasource-rule
 * and panel-datasource-rule here require every query to go to the one Prometheus datasource
 * variable, so no Loki query can appear for them to check.
 */
final class DashboardLint {
  record Finding(String dashboard, String rule, String where, String message) {
    @Override
    public String toString() {
      return dashboard + ": " + rule + ": " + where + ": " + message;
    }
  }

  static final List<String> RULES = List.of("template-datasource-rule", "template-job-rule", "template-instance-rule",
      "template-label-promql-rule", "template-on-time-change-reload-rule", "panel-datasource-rule",
      "panel-title-description-rule", "panel-units-rule", "panel-no-targets-rule", "target-promql-rule",
      "target-rate-interval-rule", "target-job-rule", "target-instance-rule", "target-counter-agg-rule",
      "uneditable-dashboard", "annotation-datasource-rule");

  private static final Set<String> DATASOURCE_REFS = Set.of("$datasource", "${datasource}");
  private static final Pattern VARIABLE_QUERY = Pattern.compile("(?s)([a-z_]+)\\((.*)\\)");
  private static final Set<String> VARIABLE_FUNCTIONS = Set.of("label_names", "label_values", "metrics", "query_result");

  private final Set<String> units;
  private final Function<List<String>, List<PromQlTree.Parsed>> parser;

  DashboardLint(Set<String> units, Function<List<String>, List<PromQlTree.Parsed>> parser) {
    this.units = units;
    this.parser = parser;
  }

  List<Finding> lint(String name, JsonNode d) {
    List<Finding> out = new ArrayList<>();
    Reporter report = (rule, where, message) -> out.add(new Finding(name, rule, where, message));
    templates(d, report);
    if (d.path("editable").asBoolean(true)) {
      report.add("uneditable-dashboard", "dashboard", "is editable; provisioned dashboards are 'editable: false'");
    }
    List<Query> queries = new ArrayList<>();
    for (JsonNode p : Dashboards.panelsOf(d)) {
      if (!p.path("type").asText().equals("row")) {
        panel(p, report, queries);
      }
    }
    annotations(d, report, queries);
    List<PromQlTree.Parsed> parsed = parser.apply(queries.stream().map(q -> PromQlRules.expand(q.expr)).toList());
    for (int i = 0; i < queries.size(); i++) {
      query(queries.get(i), parsed.get(i), report);
    }
    return out;
  }

  /** A query to parse, where it came from, and which rules apply to it. */
  private record Query(String where, String expr, boolean panelTarget, boolean variableSelector) {}

  @FunctionalInterface
  private interface Reporter {
    void add(String rule, String where, String message);
  }

  private void templates(JsonNode d, Reporter report) {
    List<JsonNode> datasources = new ArrayList<>();
    Map<String, JsonNode> byName = new java.util.LinkedHashMap<>();
    for (JsonNode v : d.path("templating").path("list")) {
      byName.put(v.path("name").asText(), v);
      if (v.path("type").asText().equalsIgnoreCase("datasource")) {
        datasources.add(v);
      }
    }
    // lint/rule_template_datasource.go
    if (datasources.size() != 1) {
      report.add("template-datasource-rule", "templating", "wants exactly one datasource variable, has " + datasources.size());
    }
    for (JsonNode ds : datasources) {
      String where = "variable " + ds.path("name").asText();
      if (!ds.path("query").asText().equals("prometheus")) {
        report.add("template-datasource-rule", where, "is not a Prometheus datasource variable (query '" + ds.path("query").asText() + "')");
      }
      if (!Set.of("datasource", "prometheus_datasource").contains(ds.path("name").asText())) {
        report.add("template-datasource-rule", where, "should be named 'datasource'");
      }
      if (!Set.of("Data source", "Prometheus data source").contains(ds.path("label").asText())) {
        report.add("template-datasource-rule", where, "should be labeled 'Data source', is '" + ds.path("label").asText() + "'");
      }
    }
    // lint/rule_template_job.go, checkTemplate; "All" also needs includeAll, which the linter takes for granted.
    for (String label : List.of("job", "instance")) {
      String rule = "template-" + label + "-rule";
      JsonNode v = byName.get(label);
      if (v == null) {
        report.add(rule, "templating", "is missing the " + label + " variable");
        continue;
      }
      String where = "variable " + label;
      if (!DATASOURCE_REFS.contains(v.path("datasource").path("uid").asText(v.path("datasource").asText()))) {
        report.add(rule, where, "should use datasource '$datasource'");
      }
      if (!v.path("type").asText().equals("query")) {
        report.add(rule, where, "should be a Prometheus query, is '" + v.path("type").asText() + "'");
      }
      String title = Character.toUpperCase(label.charAt(0)) + label.substring(1);
      if (!v.path("label").asText().equals(title)) {
        report.add(rule, where, "should be labeled '" + title + "', is '" + v.path("label").asText() + "'");
      }
      if (!v.path("multi").asBoolean(false)) {
        report.add(rule, where, "should be a multi select");
      }
      if (!v.path("includeAll").asBoolean(false) || !v.path("allValue").asText().equals(".+")) {
        report.add(rule, where, "should offer All with allValue '.+', has includeAll " + v.path("includeAll")
            + " and allValue '" + v.path("allValue").asText() + "'");
      }
    }
    for (JsonNode v : byName.values()) {
      if (v.path("type").asText().equals("query") && v.path("refresh").asInt() != 2) {
        // lint/rule_template_on_time_change_reload.go: a signer that joins mid-range shows up.
        report.add("template-on-time-change-reload-rule", "variable " + v.path("name").asText(),
            "should refresh on time range change (2), is " + v.path("refresh").asInt());
      }
    }
  }

  private void panel(JsonNode p, Reporter report, List<Query> queries) {
    String where = "panel \"" + p.path("title").asText() + "\" (id " + p.path("id").asText() + ")";
    // lint/rule_panel_title_description.go, here for every panel type, not only six of them.
    if (p.path("title").asText().isBlank() || p.path("description").asText().isBlank()) {
      report.add("panel-title-description-rule", where, "has no title or no description");
    }
    if (!p.path("targets").isArray() || p.path("targets").isEmpty()) {
      report.add("panel-no-targets-rule", where, "has no targets");
    }
    if (!DATASOURCE_REFS.contains(p.path("datasource").path("uid").asText())) {
      report.add("panel-datasource-rule", where, "does not use the datasource variable, uses '" + p.path("datasource") + "'");
    }
    units(p, where, report);
    for (JsonNode t : p.path("targets")) {
      String tw = where + " target " + t.path("refId").asText();
      if (t.has("datasource") && !DATASOURCE_REFS.contains(t.path("datasource").path("uid").asText())) {
        report.add("panel-datasource-rule", tw, "does not use the datasource variable");
      }
      queries.add(new Query(tw, t.path("expr").asText(), true, false));
    }
  }

  /**
   * lint/rule_panel_units.go: a standard Grafana unit, unless value mappings turn the numbers into
   * words or a stat panel shows a non-numeric field. The linter takes any mappings array, even an
   * empty one, and reads only the last unit override; here mappings must have an entry and every
   * unit set must be standard.
   */
  private void units(JsonNode p, String where, Reporter report) {
    JsonNode defaults = p.path("fieldConfig").path("defaults");
    List<String> set = new ArrayList<>();
    boolean mapped = defaults.path("mappings").size() > 0;
    if (defaults.hasNonNull("unit")) {
      set.add(defaults.get("unit").asText());
    }
    for (JsonNode o : p.path("fieldConfig").path("overrides")) {
      for (JsonNode prop : o.path("properties")) {
        if (prop.path("id").asText().equals("unit")) {
          set.add(prop.path("value").asText());
        }
        if (prop.path("id").asText().equals("mappings") && prop.path("value").size() > 0) {
          mapped = true;
        }
      }
    }
    for (String unit : set) {
      if (!units.contains(unit)) {
        report.add("panel-units-rule", where, "has unit '" + unit + "', not one of Grafana's standard unit ids");
      }
    }
    boolean nonNumericStat = p.path("type").asText().equals("stat")
        && !p.path("options").path("reduceOptions").path("fields").asText("").isEmpty();
    if (set.isEmpty() && !mapped && !nonNumericStat) {
      report.add("panel-units-rule", where, "has no unit and no value mappings");
    }
  }

  private void annotations(JsonNode d, Reporter report, List<Query> queries) {
    for (JsonNode a : d.path("annotations").path("list")) {
      if (a.path("builtIn").asInt() == 1) {
        continue;
      }
      String where = "annotation \"" + a.path("name").asText() + "\"";
      if (!DATASOURCE_REFS.contains(a.path("datasource").path("uid").asText())) {
        report.add("annotation-datasource-rule", where, "does not use the datasource variable");
      }
      queries.add(new Query(where, a.path("expr").asText(), false, false));
    }
    // lint/rule_template_label_promql.go: the selector or query of a variable must be PromQL.
    for (JsonNode v : d.path("templating").path("list")) {
      if (!v.path("type").asText().equals("query")) {
        continue;
      }
      String where = "variable " + v.path("name").asText();
      JsonNode q = v.path("query");
      String query = (q.isObject() ? q.path("query") : q).asText();
      Matcher m = VARIABLE_QUERY.matcher(query.strip());
      if (!m.matches() || !VARIABLE_FUNCTIONS.contains(m.group(1))) {
        report.add("template-label-promql-rule", where, "invalid templated label query '" + query + "'");
        continue;
      }
      String args = m.group(2);
      if (m.group(1).equals("label_values") && args.contains(",")) {
        queries.add(new Query(where, args.substring(0, args.lastIndexOf(',')), false, true));
      } else if (m.group(1).equals("query_result")) {
        queries.add(new Query(where, args, false, true));
      }
    }
  }

  private void query(Query q, PromQlTree.Parsed parsed, Reporter report) {
    if (parsed.tree() == null || q.expr.isBlank()) {
      report.add(q.variableSelector ? "template-label-promql-rule" : "target-promql-rule", q.where,
          "invalid PromQL '" + q.expr + "': " + (q.expr.isBlank() ? "empty" : parsed.error()));
      return;
    }
    if (q.variableSelector) {
      return;
    }
    PromQlRules.requiredMatcher(parsed.tree(), "job").forEach(m -> report.add("target-job-rule", q.where, m));
    PromQlRules.requiredMatcher(parsed.tree(), "instance").forEach(m -> report.add("target-instance-rule", q.where, m));
    PromQlRules.rateInterval(parsed.tree()).forEach(m -> report.add("target-rate-interval-rule", q.where, m));
    // Counters in annotations are compared with their own past to find restarts, which the rule forbids for panels only.
    if (q.panelTarget) {
      PromQlRules.counterAggregated(parsed.tree()).forEach(m -> report.add("target-counter-agg-rule", q.where, m));
    }
  }
}
