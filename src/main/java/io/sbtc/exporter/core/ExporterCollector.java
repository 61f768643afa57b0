package io.sbtc.exporter.core;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a scrape returns: the latest fresh snapshot of every source, the core's own health metrics
 * and the derived cross-source metrics. It only reads published state, so a scrape never waits on
 * an upstream.
 */
public final class ExporterCollector implements MultiCollector {
  /** A snapshot older than this many intervals is dropped and its source counts as down. */
  public static final int STALE_AFTER_INTERVALS = 3;

  private final String version;
  private final Supplier<List<SourceRunner>> runners;
  private final Supplier<List<DerivedMetrics>> derived;
  private final Clock clock;

  /**
   * Suppliers, because a reload may replace the sources and the derived metrics. {@code derived}
   * must return the same list object until a reload: a new list is a new {@link Generation}, so
   * the encoded exposition would never be reused.
   */
  public ExporterCollector(String version, Supplier<List<SourceRunner>> runners, Supplier<List<DerivedMetrics>> derived, Clock clock) {
    this.version = version;
    this.runners = runners;
    this.derived = derived;
    this.clock = clock;
  }

  @Override
  public MetricSnapshots collect() {
    return collect(generation());
  }

  /** What a scrape reads now: cheap to take, and comparable with an earlier one (see {@link Generation#sameAs}). */
  public Generation generation() {
    return new Generation(views(), derived.get());
  }

  /** The exposition of {@code generation}: the same generation always gives the same families. */
  public MetricSnapshots collect(Generation generation) {
    List<SourceView> views = generation.views();
    Map<String, SourceSnapshot> fresh = new LinkedHashMap<>();
    views.forEach(v -> v.fresh().ifPresent(s -> fresh.put(v.name(), s)));

    List<MetricSnapshot> families = new ArrayList<>(SelfMetrics.of(version, views));
    fresh.values().forEach(s -> families.addAll(s.metrics()));
    for (DerivedMetrics d : generation.derived()) {
      families.addAll(d.derive(fresh));
    }
    return FamilyMerger.merge(families);
  }

  /** Each source with its state and fresh snapshot as of now, for the landing page too. */
  public List<SourceView> views() {
    Instant now = clock.instant();
    List<SourceRunner> current = runners.get();
    List<SourceView> views = new ArrayList<>(current.size());
    for (SourceRunner r : current) {
      SourceState state = r.state();
      Duration interval = r.schedule().interval();
      Optional<SourceSnapshot> fresh = state.freshSnapshot(now, interval.multipliedBy(STALE_AFTER_INTERVALS));
      views.add(new SourceView(r.name(), interval, state, fresh));
    }
    return views;
  }
}
