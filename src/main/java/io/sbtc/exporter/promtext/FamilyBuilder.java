package io.sbtc.exporter.promtext;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The samples of one family as read, turned into the client library's immutable snapshots at the end. */
final class FamilyBuilder {
  private final String name;
  private final MetricKind kind;
  private final List<Sample> samples = new ArrayList<>();

  FamilyBuilder(String name, MetricKind kind) {
    this.name = name;
    this.kind = kind;
  }

  MetricKind kind() {
    return kind;
  }

  boolean accepts(String sampleName, Sample s) {
    return switch (kind) {
      case COUNTER, GAUGE, UNTYPED -> sampleName.equals(name);
      case HISTOGRAM -> (sampleName.equals(name + "_bucket") && s.label("le") != null)
          || sampleName.equals(name + "_sum") || sampleName.equals(name + "_count");
      case SUMMARY -> (sampleName.equals(name) && s.label("quantile") != null)
          || sampleName.equals(name + "_sum") || sampleName.equals(name + "_count");
    };
  }

  void add(Sample s) {
    samples.add(s);
  }

  /**
   * Builds every family, skipping any whose names would clash with one built before it. A family
   * the model rejects (a histogram without +Inf, a negative counter...) is relayed as untyped
   * samples under their own names rather than lost.
   */
  static List<MetricSnapshot> buildAll(Collection<FamilyBuilder> builders, Map<String, String> help, String prefix,
      TextFormatParser.Report report) {
    List<MetricSnapshot> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (FamilyBuilder b : builders) {
      if (b.samples.isEmpty()) {
        continue;
      }
      List<MetricSnapshot> built;
      try {
        built = List.of(b.build(help.getOrDefault(b.name, ""), prefix, report));
      } catch (IllegalArgumentException e) {
        built = b.buildUntyped(help, prefix, report);
      }
      for (MetricSnapshot family : built) {
        Set<String> names = exposedNames(family);
        if (names.stream().anyMatch(taken::contains)) {
          report.skip(b.samples.get(0).line(), "family " + family.getMetadata().getPrometheusName() + " clashes with an earlier family; dropped");
        } else {
          taken.addAll(names);
          out.add(family);
        }
      }
    }
    return out;
  }

  private MetricSnapshot build(String helpText, String prefix, TextFormatParser.Report report) {
    String outName = prefix + name;
    return switch (kind) {
      case GAUGE -> {
        GaugeSnapshot.Builder g = GaugeSnapshot.builder().name(outName).help(helpText);
        for (Sample s : distinct(samples, report)) {
          g.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value()).build());
        }
        yield g.build();
      }
      // The model always writes counters as <name>_total; a counter named otherwise keeps its name as untyped.
      case COUNTER -> name.endsWith("_total") ? counter(outName, helpText, report) : untyped(outName, helpText, samples, report);
      case UNTYPED -> untyped(outName, helpText, samples, report);
      case HISTOGRAM -> histogram(outName, helpText);
      case SUMMARY -> summary(outName, helpText);
    };
  }

  private MetricSnapshot counter(String outName, String helpText, TextFormatParser.Report report) {
    CounterSnapshot.Builder c = CounterSnapshot.builder().name(outName).help(helpText);
    for (Sample s : distinct(samples, report)) {
      c.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value()).build());
    }
    return c.build();
  }

  private static MetricSnapshot untyped(String outName, String helpText, List<Sample> samples, TextFormatParser.Report report) {
    UnknownSnapshot.Builder u = UnknownSnapshot.builder().name(outName).help(helpText);
    for (Sample s : distinct(samples, report)) {
      u.dataPoint(UnknownSnapshot.UnknownDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value()).build());
    }
    return u.build();
  }

  private MetricSnapshot histogram(String outName, String helpText) {
    Map<List<String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
    Map<List<String>, Double> sums = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (s.name().endsWith("_bucket")) {
        double le = parseBound(s.label("le"));
        buckets.computeIfAbsent(s.labelsWithout("le"), k -> new TreeMap<>()).putIfAbsent(le, s.value());
      } else if (s.name().endsWith("_sum")) {
        sums.putIfAbsent(s.labels(), s.value());
      }
    }
    HistogramSnapshot.Builder h = HistogramSnapshot.builder().name(outName).help(helpText);
    for (Map.Entry<List<String>, TreeMap<Double, Double>> series : buckets.entrySet()) {
      double[] bounds = new double[series.getValue().size()];
      long[] counts = new long[bounds.length];
      long previous = 0;
      int i = 0;
      for (Map.Entry<Double, Double> b : series.getValue().entrySet()) {
        long cumulative = wholeCount(b.getValue());
        if (cumulative < previous) {
          throw new IllegalArgumentException("bucket counts decrease");
        }
        bounds[i] = b.getKey();
        counts[i++] = cumulative - previous;
        previous = cumulative;
      }
      HistogramSnapshot.HistogramDataPointSnapshot.Builder p = HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .labels(labels(series.getKey()))
          .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts));
      Double sum = sums.get(series.getKey());
      if (sum != null) {
        p.sum(sum);
      }
      h.dataPoint(p.build());
    }
    if (buckets.isEmpty()) {
      throw new IllegalArgumentException("histogram without buckets");
    }
    return h.build();
  }

  private MetricSnapshot summary(String outName, String helpText) {
    Map<List<String>, List<Quantile>> quantiles = new LinkedHashMap<>();
    Map<List<String>, Double> sums = new LinkedHashMap<>();
    Map<List<String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name)) {
        quantiles.computeIfAbsent(s.labelsWithout("quantile"), k -> new ArrayList<>())
            .add(new Quantile(parseBound(s.label("quantile")), s.value()));
      } else if (s.name().endsWith("_sum")) {
        sums.putIfAbsent(s.labels(), s.value());
        quantiles.computeIfAbsent(s.labels(), k -> new ArrayList<>());
      } else {
        counts.putIfAbsent(s.labels(), s.value());
        quantiles.computeIfAbsent(s.labels(), k -> new ArrayList<>());
      }
    }
    SummarySnapshot.Builder b = SummarySnapshot.builder().name(outName).help(helpText);
    for (Map.Entry<List<String>, List<Quantile>> series : quantiles.entrySet()) {
      SummarySnapshot.SummaryDataPointSnapshot.Builder p = SummarySnapshot.SummaryDataPointSnapshot.builder()
          .labels(labels(series.getKey()))
          .quantiles(Quantiles.of(series.getValue()));
      Double sum = sums.get(series.getKey());
      if (sum != null) {
        p.sum(sum);
      }
      Double count = counts.get(series.getKey());
      if (count != null) {
        p.count(wholeCount(count));
      }
      b.dataPoint(p.build());
    }
    return b.build();
  }

  /** The fallback when the typed family is invalid: each sample name becomes its own untyped family. */
  private List<MetricSnapshot> buildUntyped(Map<String, String> help, String prefix, TextFormatParser.Report report) {
    Map<String, List<Sample>> byName = new LinkedHashMap<>();
    samples.forEach(s -> byName.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(s));
    List<MetricSnapshot> out = new ArrayList<>();
    for (Map.Entry<String, List<Sample>> e : byName.entrySet()) {
      try {
        out.add(untyped(prefix + e.getKey(), help.getOrDefault(name, ""), e.getValue(), report));
      } catch (IllegalArgumentException bad) {
        report.skip(e.getValue().get(0).line(), "samples of " + e.getKey() + " rejected: " + bad.getMessage());
      }
    }
    return out;
  }

  private static List<Sample> distinct(List<Sample> samples, TextFormatParser.Report report) {
    Set<List<String>> seen = new HashSet<>();
    List<Sample> out = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      List<String> key = sortedLabels(s.labels());
      if (seen.add(key)) {
        out.add(s);
      } else {
        report.skip(s.line(), "duplicate series " + s.name() + "; kept the first");
      }
    }
    return out;
  }

  private static List<String> sortedLabels(List<String> labels) {
    TreeMap<String, String> sorted = new TreeMap<>();
    for (int i = 0; i < labels.size(); i += 2) {
      sorted.put(labels.get(i), labels.get(i + 1));
    }
    List<String> out = new ArrayList<>(labels.size());
    sorted.forEach((k, v) -> {
      out.add(k);
      out.add(v);
    });
    return out;
  }

  private static Labels labels(List<String> flat) {
    if (flat.isEmpty()) {
      return Labels.EMPTY;
    }
    String[] names = new String[flat.size() / 2];
    String[] values = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      names[i] = flat.get(2 * i);
      values[i] = flat.get(2 * i + 1);
    }
    return Labels.of(names, values);
  }

  private static double parseBound(String text) {
    try {
      return LineReader.parseFloat(text);
    } catch (LineReader.Malformed e) {
      throw new IllegalArgumentException("bad bound " + text);
    }
  }

  private static long wholeCount(double v) {
    if (!(v >= 0) || v != Math.rint(v) || v > Long.MAX_VALUE) {
      throw new IllegalArgumentException("count is not a whole number: " + v);
    }
    return (long) v;
  }

  private static Set<String> exposedNames(MetricSnapshot family) {
    String n = family.getMetadata().getPrometheusName();
    Set<String> names = new HashSet<>();
    names.add(n);
    if (family instanceof HistogramSnapshot || family instanceof SummarySnapshot) {
      names.add(n + "_bucket");
      names.add(n + "_sum");
      names.add(n + "_count");
    } else if (family instanceof CounterSnapshot) {
      names.add(n + "_total");
    }
    return names;
  }
}
