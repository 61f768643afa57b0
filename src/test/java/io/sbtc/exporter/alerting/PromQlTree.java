package io.sbtc.exporter.alerting;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A PromQL syntax tree as the Prometheus project's Lezer grammar (@prometheus-io/lezer-promql,
 * prometheus/web/ui/module/lezer-promql/src/promql.grammar) builds it: node types such as
 * VectorSelector, MatrixSelector, OffsetExpr, FunctionCall, LabelMatchers, UnquotedLabelMatcher.
 */
record PromQlTree(String type, String text, List<PromQlTree> children) {

  /** A parse: the tree, or the syntax error the grammar reported. */
  record Parsed(PromQlTree tree, String error) {
    static Parsed of(PromQlTree tree) {
      return new Parsed(tree, null);
    }

    static Parsed failed(String error) {
      return new Parsed(null, error);
    }
  }

  /** One label matcher of a selector, with its value unquoted. */
  record Matcher(String label, String op, String value) {}

  static PromQlTree from(JsonNode json) {
    List<PromQlTree> children = new ArrayList<>();
    json.path("c").forEach(c -> children.add(from(c)));
    return new PromQlTree(json.path("n").asText(), json.path("s").asText(), List.copyOf(children));
  }

  /** Calls {@code visit} with every node and the path of its ancestors, root first. */
  void walk(BiConsumer<PromQlTree, List<PromQlTree>> visit) {
    walk(visit, new ArrayList<>());
  }

  private void walk(BiConsumer<PromQlTree, List<PromQlTree>> visit, List<PromQlTree> ancestors) {
    visit.accept(this, List.copyOf(ancestors));
    ancestors.add(this);
    for (PromQlTree c : children) {
      c.walk(visit, ancestors);
    }
    ancestors.remove(ancestors.size() - 1);
  }

  List<PromQlTree> all(String nodeType) {
    List<PromQlTree> out = new ArrayList<>();
    walk((n, path) -> {
      if (n.type.equals(nodeType)) {
        out.add(n);
      }
    });
    return out;
  }

  Optional<PromQlTree> child(String nodeType) {
    return children.stream().filter(c -> c.type.equals(nodeType)).findFirst();
  }

  /** For a VectorSelector: its matchers, quoted label names included. */
  List<Matcher> matchers() {
    List<Matcher> out = new ArrayList<>();
    child("LabelMatchers").ifPresent(list -> {
      for (PromQlTree m : list.children) {
        if (!m.type.endsWith("LabelMatcher")) {
          continue;
        }
        String label = m.child("LabelName").map(PromQlTree::text)
            .or(() -> m.child("QuotedLabelName").map(q -> unquote(q.text))).orElse("");
        String op = m.child("MatchOp").map(PromQlTree::text).orElse("");
        String value = m.child("StringLiteral").map(s -> unquote(s.text)).orElse("");
        out.add(new Matcher(label, op, value));
      }
    });
    return out;
  }

  /** For a VectorSelector: the metric name, from the identifier or a {@code __name__="..."} matcher. */
  Optional<String> metricName() {
    Optional<String> id = child("Identifier").map(PromQlTree::text);
    if (id.isPresent()) {
      return id;
    }
    return matchers().stream().filter(m -> m.label().equals("__name__") && m.op().equals("=")).map(Matcher::value).findFirst();
  }

  /**
   * For a MatrixSelector: the function whose argument it is, seen through an {@code offset} or
   * {@code @} modifier; empty if it is not directly a function's argument (a subquery, say).
   */
  static Optional<String> enclosingFunction(List<PromQlTree> ancestors) {
    for (int i = ancestors.size() - 1; i >= 0; i--) {
      String t = ancestors.get(i).type;
      if (t.equals("OffsetExpr") || t.equals("StepInvariantExpr")) {
        continue;
      }
      if (t.equals("FunctionCallBody") && i > 0 && ancestors.get(i - 1).type.equals("FunctionCall")) {
        return ancestors.get(i - 1).child("FunctionIdentifier").map(PromQlTree::text);
      }
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** A PromQL string literal's value: double or single quotes with Go escapes, or a raw backtick string. */
  static String unquote(String literal) {
    if (literal.length() < 2) {
      return literal;
    }
    String body = literal.substring(1, literal.length() - 1);
    if (literal.charAt(0) == '`') {
      return body;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\\' && i + 1 < body.length()) {
        char n = body.charAt(++i);
        out.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          default -> n;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
