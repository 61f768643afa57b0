package io.sbtc.exporter.core;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.StateSetSnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Joins families of the same name that come from several sources (every {@code backup:<name>}
 * source emits {@code sbtc_backup_*}). A series that appears twice keeps its first value, and a
 * family whose type clashes with an earlier one of the same name is dropped: one bad family must
 * not make the whole exposition fail.
 */
public final class FamilyMerger {
  private FamilyMerger() {}

  public static MetricSnapshots merge(List<MetricSnapshot> families) {
    Map<String, List<MetricSnapshot>> byName = new LinkedHashMap<>();
    for (MetricSnapshot f : families) {
      if (!f.getDataPoints().isEmpty()) {
        byName.computeIfAbsent(f.getMetadata().getPrometheusName(), k -> new ArrayList<>()).add(f);
      }
    }
    List<MetricSnapshot> merged = new ArrayList<>(byName.size());
    for (List<MetricSnapshot> group : byName.values()) {
      merged.add(group.size() == 1 ? group.get(0) : join(group));
    }
    return new MetricSnapshots(merged);
  }

  private static MetricSnapshot join(List<MetricSnapshot> group) {
    MetricSnapshot first = group.get(0);
    List<DataPointSnapshot> points = new ArrayList<>();
    Set<Labels> seen = new HashSet<>();
    for (MetricSnapshot f : group) {
      if (f.getClass() != first.getClass()) {
        continue;
      }
      for (DataPointSnapshot p : f.getDataPoints()) {
        if (seen.add(p.getLabels())) {
          points.add(p);
        }
      }
    }
    return rebuild(first, points);
  }

  /** A family like {@code template} with other data points. */
  @SuppressWarnings("unchecked")
  public static MetricSnapshot rebuild(MetricSnapshot template, List<? extends DataPointSnapshot> points) {
    MetricMetadata meta = template.getMetadata();
    if (template instanceof GaugeSnapshot) {
      return new GaugeSnapshot(meta, (List<GaugeSnapshot.GaugeDataPointSnapshot>) points);
    }
    if (template instanceof CounterSnapshot) {
      return new CounterSnapshot(meta, (List<CounterSnapshot.CounterDataPointSnapshot>) points);
    }
    if (template instanceof InfoSnapshot) {
      return new InfoSnapshot(meta, (List<InfoSnapshot.InfoDataPointSnapshot>) points);
    }
    if (template instanceof HistogramSnapshot h) {
      return new HistogramSnapshot(h.isGaugeHistogram(), meta, (List<HistogramSnapshot.HistogramDataPointSnapshot>) points);
    }
    if (template instanceof SummarySnapshot) {
      return new SummarySnapshot(meta, (List<SummarySnapshot.SummaryDataPointSnapshot>) points);
    }
    if (template instanceof StateSetSnapshot) {
      return new StateSetSnapshot(meta, (List<StateSetSnapshot.StateSetDataPointSnapshot>) points);
    }
    return new UnknownSnapshot(meta, (List<UnknownSnapshot.UnknownDataPointSnapshot>) points);
  }
}
