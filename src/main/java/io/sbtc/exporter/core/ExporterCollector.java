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

/**
 * What a scrape returns: the latest fresh snapshot of every source, the core's own health metrics
 * and the derived cross-source metrics. It only reads published state, so a scrape never waits on
 * an upstream.
 */
public final class ExporterCollector implements MultiCollector {
  /** A snapshot older than this many intervals is dropped and its source counts as down. */
  public static final int STALE_AFTER_INTERVALS = 3;

  private final String version;
  private final List<SourceRunner> runners;
  private final List<DerivedMetrics> derived;
  private final Clock clock;

  public ExporterCollector(String version, List<SourceRunner> runners, List<DerivedMetrics> derived, Clock clock) {
    this.version = version;
    this.runners = List.copyOf(runners);
    this.derived = List.copyOf(derived);
    this.clock = clock;
  }

  @Override
  public MetricSnapshots collect() {
    List<SourceView> views = views();
    Map<String, SourceSnapshot> fresh = new LinkedHashMap<>();
    views.forEach(v -> v.fresh().ifPresent(s -> fresh.put(v.name(), s)));

    List<MetricSnapshot> families = new ArrayList<>(SelfMetrics.of(version, views));
    fresh.values().forEach(s -> families.addAll(s.metrics()));
    for (DerivedMetrics d : derived) {
      families.addAll(d.derive(fresh));
    }
    return FamilyMerger.merge(families);
  }

  /** Each source with its state and fresh snapshot as of now, for the landing page too. */
  public List<SourceView> views() {
    Instant now = clock.instant();
    List<SourceView> views = new ArrayList<>(runners.size());
    for (SourceRunner r : runners) {
      SourceState state = r.state();
      Duration maxAge = r.source().interval().multipliedBy(STALE_AFTER_INTERVALS);
      Optional<SourceSnapshot> fresh = state.freshSnapshot(now, maxAge);
      views.add(new SourceView(r.source().name(), r.source().interval(), state, fresh));
    }
    return views;
  }
}
