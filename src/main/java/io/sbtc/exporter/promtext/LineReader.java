package io.sbtc.exporter.promtext;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one line of the Prometheus text format 0.0.4. Every method either consumes what it
 * expects or throws {@link Malformed}; nothing here allocates more than the line's own pieces.
 */
final class LineReader {
  /** A line that is not valid; carries the reason for the parse report. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Labels one series may have. The signer's have a handful; without a bound, one line of
   * 16 MiB holds millions of labels, each checked against the others for duplicates.
   */
  static final int MAX_LABELS = 64;

  private final String s;
  private final int end;
  private int pos;

  LineReader(String text, int start, int end) {
    this.s = text;
    this.pos = start;
    this.end = end;
  }

  boolean atEnd() {
    return pos >= end;
  }

  char peek() {
    return s.charAt(pos);
  }

  void skipBlanks() {
    while (pos < end && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
  }

  /** A metric name: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}. */
  String metricName() throws Malformed {
    int start = pos;
    while (pos < end && isNameChar(s.charAt(pos), pos == start, true)) {
      pos++;
    }
    if (pos == start) {
      throw new Malformed("expected a metric name");
    }
    return s.substring(start, pos);
  }

  /** A word up to the next blank, e.g. HELP or a type name. */
  String word() {
    int start = pos;
    while (pos < end && s.charAt(pos) != ' ' && s.charAt(pos) != '\t') {
      pos++;
    }
    return s.substring(start, pos);
  }

  /** The rest of the line, HELP-unescaped ({@code \\} and {@code \n}). */
  String helpText() {
    StringBuilder out = new StringBuilder(end - pos);
    while (pos < end) {
      char c = s.charAt(pos++);
      if (c == '\\' && pos < end && (s.charAt(pos) == '\\' || s.charAt(pos) == 'n')) {
        out.append(s.charAt(pos++) == 'n' ? '\n' : '\\');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code {name="value",...}} with an optional trailing comma; the caller has seen the brace. */
  List<String> labels() throws Malformed {
    List<String> out = new ArrayList<>();
    pos++; // '{'
    while (true) {
      skipBlanks();
      if (pos >= end) {
        throw new Malformed("unterminated label set");
      }
      if (s.charAt(pos) == '}') {
        pos++;
        return out;
      }
      int start = pos;
      while (pos < end && isNameChar(s.charAt(pos), pos == start, false)) {
        pos++;
      }
      if (pos == start) {
        throw new Malformed("expected a label name");
      }
      if (out.size() / 2 == MAX_LABELS) {
        throw new Malformed("more than " + MAX_LABELS + " labels");
      }
      String name = s.substring(start, pos);
      for (int i = 0; i < out.size(); i += 2) {
        if (out.get(i).equals(name)) {
          throw new Malformed("duplicate label " + name);
        }
      }
      skipBlanks();
      expect('=');
      skipBlanks();
      expect('"');
      out.add(name);
      out.add(labelValue());
      skipBlanks();
      if (pos < end && s.charAt(pos) == ',') {
        pos++;
      } else if (pos < end && s.charAt(pos) != '}') {
        throw new Malformed("expected , or } after a label");
      }
    }
  }

  /** A float as Go's ParseFloat reads it in this format: decimal, Inf, NaN; nothing Java-only like {@code 1d}. */
  double value() throws Malformed {
    String text = word();
    if (text.isEmpty()) {
      throw new Malformed("missing value");
    }
    return parseFloat(text);
  }

  /** An optional integer timestamp; parsed only to validate the line, then dropped. */
  void optionalTimestamp() throws Malformed {
    skipBlanks();
    if (pos >= end) {
      return;
    }
    String text = word();
    int i = text.startsWith("-") ? 1 : 0;
    if (i == text.length()) {
      throw new Malformed("bad timestamp");
    }
    for (; i < text.length(); i++) {
      if (!isDigit(text.charAt(i))) {
        throw new Malformed("bad timestamp");
      }
    }
    skipBlanks();
    if (pos < end) {
      throw new Malformed("unexpected text after the timestamp");
    }
  }

  static double parseFloat(String text) throws Malformed {
    String t = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
    boolean negative = text.startsWith("-");
    if (t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (t.equalsIgnoreCase("nan")) {
      return Double.NaN;
    }
    if (!isDecimal(t)) {
      throw new Malformed("bad value \"" + abbreviate(text) + "\"");
    }
    return Double.parseDouble(text);
  }

  private static boolean isDecimal(String t) {
    int i = 0;
    int n = t.length();
    int digits = 0;
    while (i < n && isDigit(t.charAt(i))) {
      i++;
      digits++;
    }
    if (i < n && t.charAt(i) == '.') {
      i++;
      while (i < n && isDigit(t.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
      i++;
      if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && isDigit(t.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private String labelValue() throws Malformed {
    StringBuilder out = new StringBuilder();
    while (pos < end) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c == '\\') {
        if (pos >= end) {
          break;
        }
        char e = s.charAt(pos++);
        switch (e) {
          case '\\' -> out.append('\\');
          case '"' -> out.append('"');
          case 'n' -> out.append('\n');
          default -> throw new Malformed("bad escape \\" + e + " in a label value");
        }
      } else {
        out.append(c);
      }
    }
    throw new Malformed("unterminated label value");
  }

  private void expect(char c) throws Malformed {
    if (pos >= end || s.charAt(pos) != c) {
      throw new Malformed("expected " + c);
    }
    pos++;
  }

  private static boolean isNameChar(char c, boolean first, boolean allowColon) {
    boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allowColon && c == ':');
    return letter || (!first && c >= '0' && c <= '9');
  }

  static String abbreviate(String text) {
    String printable = text.codePoints().limit(40)
        .map(cp -> cp < 0x20 || cp == 0x7f ? '?' : cp)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return text.length() > 40 ? printable + "..." : printable;
  }
}
