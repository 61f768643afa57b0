package io.sbtc.exporter.promtext;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lenient parser for the Prometheus text format 0.0.4. Malformed lines are skipped and counted,
 * never fatal: relaying 399 good series beats relaying none because one line is bad. Only input
 * with no usable sample at all is a {@link ParseException}.
 *
 * <p>A name declared with two TYPEs (the sBTC signer declares {@code validation_duration_seconds}
 * as a counter and as a histogram, in random order) keeps the richer type whatever the order, so
 * the relayed series do not flip between scrapes; samples of the other type are dropped and counted.
 *
 * <p>What a page may cost is bounded while it is read, not after: at most {@code maxSeries}
 * samples, as many TYPE and as many HELP names, and {@link LineReader#MAX_LABELS} labels a series.
 * A page of a million tiny series fits a 16 MiB body but not a small heap.
 */
public final class TextFormatParser {
  private TextFormatParser() {}

  /** Without a limit on the number of series: for input whose size the caller trusts. */
  public static ParseResult parse(String text, String prefix) throws ParseException {
    return parse(text, prefix, Integer.MAX_VALUE);
  }

  /**
   * @param prefix prepended to every family name (empty keeps the upstream's names)
   * @param maxSeries the most samples (and TYPE and HELP names) read; one more is a
   *     {@link ParseException#tooLarge()} and nothing is returned
   */
  public static ParseResult parse(String text, String prefix, int maxSeries) throws ParseException {
    Map<String, FamilyBuilder> families = new LinkedHashMap<>();
    declaredTypes(text, maxSeries).forEach((name, kind) -> families.put(name, new FamilyBuilder(name, kind)));
    Map<String, String> help = new LinkedHashMap<>();
    Report report = new Report(maxSeries);
    int lineNo = 0;
    int start = 0;
    int length = text.length();
    while (start < length) {
      int nl = text.indexOf('\n', start);
      int end = nl < 0 ? length : nl;
      lineNo++;
      int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
      try {
        readLine(new LineReader(text, start, lineEnd), lineNo, families, help, report);
      } catch (LineReader.Malformed e) {
        report.skip(lineNo, e.getMessage());
      }
      start = end + 1;
    }
    List<MetricSnapshot> built = FamilyBuilder.buildAll(families.values(), help, prefix, report);
    if (built.isEmpty() && report.skipped > 0) {
      throw new ParseException("no valid sample in " + lineNo + " lines; " + report.first);
    }
    return new ParseResult(built, report.skipped, report.first);
  }

  private static void readLine(LineReader r, int lineNo, Map<String, FamilyBuilder> families, Map<String, String> help,
      Report report) throws LineReader.Malformed, ParseException {
    r.skipBlanks();
    if (r.atEnd()) {
      return;
    }
    if (r.peek() == '#') {
      readComment(r, families, help, report);
      return;
    }
    String name = r.metricName();
    List<String> labels = List.of();
    if (!r.atEnd() && r.peek() == '{') {
      labels = r.labels();
    }
    if (r.atEnd() || (r.peek() != ' ' && r.peek() != '\t')) {
      throw new LineReader.Malformed("expected a value after " + name);
    }
    r.skipBlanks();
    double value = r.value();
    r.optionalTimestamp();
    Sample sample = new Sample(name, List.copyOf(labels), value, lineNo);
    FamilyBuilder family = familyFor(name, sample, families);
    if (family == null) {
      throw new LineReader.Malformed("sample " + name + " does not fit the " + families.get(name).kind().text() + " family of that name; dropped");
    }
    report.countSample(lineNo);
    family.add(sample);
  }

  private static void readComment(LineReader r, Map<String, FamilyBuilder> families, Map<String, String> help, Report report)
      throws LineReader.Malformed, ParseException {
    r.word(); // '#'
    r.skipBlanks();
    String keyword = r.word();
    if (!keyword.equals("HELP") && !keyword.equals("TYPE")) {
      return; // a plain comment
    }
    r.skipBlanks();
    String name = r.metricName();
    r.skipBlanks();
    if (keyword.equals("HELP")) {
      if (!help.containsKey(name)) {
        report.checkNames(help.size() + 1, "HELP");
        help.put(name, r.helpText());
      }
      return;
    }
    MetricKind kind = MetricKind.parse(r.word());
    FamilyBuilder declared = families.get(name);
    if (declared == null) {
      report.checkNames(families.size() + 1, "TYPE");
      families.put(name, new FamilyBuilder(name, kind)); // a TYPE line the first pass did not recognise, e.g. tabs
    } else if (declared.kind() != kind) {
      throw new LineReader.Malformed("TYPE " + kind.text() + " for " + name + " clashes with TYPE " + declared.kind().text() + "; kept "
          + declared.kind().text());
    }
  }

  /** A first pass over the TYPE lines only, so the type a name keeps does not depend on line order. */
  private static Map<String, MetricKind> declaredTypes(String text, int maxNames) throws ParseException {
    Map<String, MetricKind> kinds = new LinkedHashMap<>();
    int at = text.startsWith("# TYPE ") ? 0 : nextTypeLine(text, 0);
    while (at >= 0) {
      int end = text.indexOf('\n', at);
      end = end < 0 ? text.length() : end;
      if (end > at && text.charAt(end - 1) == '\r') {
        end--;
      }
      LineReader r = new LineReader(text, at + "# TYPE ".length(), end);
      try {
        r.skipBlanks();
        String name = r.metricName();
        r.skipBlanks();
        MetricKind kind = MetricKind.parse(r.word());
        kinds.merge(name, kind, (a, b) -> a.richness() >= b.richness() ? a : b);
        if (kinds.size() > maxNames) {
          throw ParseException.tooLarge("more than " + maxNames + " TYPE names");
        }
      } catch (LineReader.Malformed ignored) {
        // reported by the main pass
      }
      at = nextTypeLine(text, end);
    }
    return kinds;
  }

  private static int nextTypeLine(String text, int from) {
    int at = text.indexOf("\n# TYPE ", from);
    return at < 0 ? -1 : at + 1;
  }

  /** The family a sample belongs to: its own typed family, the histogram or summary it is part of, or a new untyped one. */
  private static FamilyBuilder familyFor(String name, Sample sample, Map<String, FamilyBuilder> families) {
    FamilyBuilder own = families.get(name);
    if (own != null && own.accepts(name, sample)) {
      return own;
    }
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (name.endsWith(suffix)) {
        FamilyBuilder base = families.get(name.substring(0, name.length() - suffix.length()));
        if (base != null && base.accepts(name, sample)) {
          return base;
        }
      }
    }
    if (own != null) {
      return null; // the name belongs to a family of another type: the first one wins
    }
    FamilyBuilder untyped = new FamilyBuilder(name, MetricKind.UNTYPED);
    families.put(name, untyped);
    return untyped;
  }

  /** Counts skipped lines and keeps the first reason; counts samples against the limit. */
  static final class Report {
    private final int maxSeries;
    private int samples;
    int skipped;
    String first = "";

    Report(int maxSeries) {
      this.maxSeries = maxSeries;
    }

    void countSample(int line) throws ParseException {
      if (++samples > maxSeries) {
        throw ParseException.tooLarge("more than " + maxSeries + " series (line " + line + ")");
      }
    }

    void checkNames(int names, String keyword) throws ParseException {
      if (names > maxSeries) {
        throw ParseException.tooLarge("more than " + maxSeries + " " + keyword + " names");
      }
    }

    void skip(int line, String why) {
      skipped++;
      if (first.isEmpty()) {
        first = "line " + line + ": " + why;
      }
    }
  }
}
