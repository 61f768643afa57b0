package io.sbtc.exporter.check;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceView;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.signer.SignerConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the checklist is judged from: exactly what one scrape of {@code /metrics} serves (the same
 * families, read from the same fresh snapshots), each source's state, and the config that says
 * which sections exist.
 */
public record Readings(ExporterConfig config, List<SourceView> views, MetricSnapshots metrics, Instant now) {

  /** One series: its labels and value. */
  public record Sample(Labels labels, double value) {
    public String label(String name) {
      String v = labels.get(name);
      return v == null ? "" : v;
    }
  }

  public Readings {
    views = List.copyOf(views);
  }

  /** Unix seconds, as {@code time()} in an alert rule. */
  public double nowSeconds() {
    return now.toEpochMilli() / 1000.0;
  }

  /**
   * The series of a family by the name it has in the exposition ({@code x_total} for a counter,
   * {@code x_info} for an info metric).
   */
  public List<Sample> samples(String name) {
    String wanted = base(name);
    List<Sample> out = new ArrayList<>();
    for (MetricSnapshot family : metrics) {
      String familyName = family.getMetadata().getName();
      // The model names a counter and an info metric without their _total and _info; other kinds as exposed.
      boolean same = family instanceof CounterSnapshot ? name.endsWith("_total") && base(familyName).equals(wanted)
          : family instanceof InfoSnapshot ? name.endsWith("_info") && base(familyName).equals(wanted)
          : familyName.equals(name);
      if (!same) {
        continue;
      }
      for (DataPointSnapshot p : family.getDataPoints()) {
        value(p).ifPresent(v -> out.add(new Sample(p.getLabels(), v)));
      }
    }
    return out;
  }

  /** The value of the series of {@code name} whose {@code label} is {@code value}, if there is one. */
  public OptionalDouble value(String name, String label, String value) {
    return samples(name).stream().filter(s -> s.label(label).equals(value)).mapToDouble(Sample::value).findFirst();
  }

  /** The value of an unlabelled series (or the first series) of {@code name}. */
  public OptionalDouble value(String name) {
    return samples(name).stream().mapToDouble(Sample::value).findFirst();
  }

  /** The name a relayed signer metric has here, after the configured relay prefix. */
  public String relayed(String signerName) {
    return config.section(SignerConfig.class).map(SignerConfig::relayPrefix).orElse("") + signerName;
  }

  public Optional<SourceView> source(String name) {
    return views.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /**
   * Why {@code source} has no fresh data now, as one line for a fact ("bitcoin: connect: connection
   * refused"), or empty when it answered. Source errors are redacted where they are made.
   */
  /** An item cannot be judged while the source it reads has a problem: that problem is its verdict. */
  public Optional<Verdict> cannotJudge(String source) {
    return problem(source).map(p -> Verdict.unknown("cannot judge: " + p));
  }

  public Optional<String> problem(String source) {
    Optional<SourceView> view = source(source);
    if (view.isEmpty()) {
      return Optional.of(source + ": not running");
    }
    SourceView v = view.get();
    if (v.up()) {
      return Optional.empty();
    }
    if (!v.state().polledOnce()) {
      return Optional.of(source + ": no answer yet");
    }
    return Optional.of(source + ": " + v.state().lastError().filter(e -> !v.state().lastPollOk())
        .map(e -> e.reason().label() + ": " + e.getMessage())
        .orElse("no data for 3 poll intervals"));
  }

  /** Why the latest poll of {@code source} failed, when it did. */
  public Optional<ErrorReason> failure(String source) {
    return source(source).filter(v -> !v.up()).flatMap(v -> v.state().lastError()).map(SourceException::reason);
  }

  /**
   * What a source without fresh data means for an item that needs it to answer: a failure when its
   * latest poll failed, but unknown while it has not answered yet, or when only the exporter's own
   * login was refused (the upstream itself may be fine).
   */
  public State whenDown(String source) {
    return failure(source).filter(reason -> reason != ErrorReason.AUTH).isPresent() ? State.FAIL : State.UNKNOWN;
  }

  /** The errors of calls that failed while the rest of the poll worked (a missing audited file...). */
  public List<SourceException> partialErrors(String source) {
    return source(source).flatMap(SourceView::fresh).map(s -> s.partialErrors()).orElse(List.of());
  }

  private static OptionalDouble value(DataPointSnapshot p) {
    if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
      return OptionalDouble.of(g.getValue());
    }
    if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
      return OptionalDouble.of(c.getValue());
    }
    if (p instanceof UnknownSnapshot.UnknownDataPointSnapshot u) {
      return OptionalDouble.of(u.getValue());
    }
    if (p instanceof InfoSnapshot.InfoDataPointSnapshot) {
      return OptionalDouble.of(1);
    }
    return OptionalDouble.empty();
  }

  private static String base(String name) {
    return name.replaceFirst("_(total|info)$", "");
  }
}
