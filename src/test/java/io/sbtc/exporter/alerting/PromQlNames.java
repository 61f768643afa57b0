package io.sbtc.exporter.alerting;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects. Not a parser: it blanks out what cannot hold a
 * metric name (strings, label matchers, ranges, label lists) and keeps the identifiers that are
 * neither functions nor keywords. Good enough for the expressions in our rules and dashboards,
 * and a test pins its behaviour.
 */
final class PromQlNames {
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern LABEL_LIST =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", Pattern.CASE_INSENSITIVE);
  private static final Pattern TOKEN =
      Pattern.compile("(?<number>(?:0x[0-9a-fA-F]+|\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)[a-zA-Z]*)|(?<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<call>\\s*\\()?");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
      "group_left", "group_right", "bool", "offset", "inf", "nan", "atan2");

  private PromQlNames() {}

  static Set<String> metricNames(String expr) {
    String s = STRING.matcher(expr).replaceAll("\"\"");
    s = MATCHERS.matcher(s).replaceAll("{}");
    s = RANGE.matcher(s).replaceAll("[]");
    s = LABEL_LIST.matcher(s).replaceAll(" ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      String ident = m.group("ident");
      if (ident != null && m.group("call") == null && !KEYWORDS.contains(ident.toLowerCase())) {
        names.add(ident);
      }
    }
    return names;
  }
}
