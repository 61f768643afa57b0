package io.sbtc.exporter.source;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A small builder for the families a source emits, so each source reads as a list of
 * "name, help, value" lines. Absent values produce no series: absent, never a fake 0.
 */
public final class Metrics {
  private final List<MetricSnapshot> families = new ArrayList<>();

  public Metrics gauge(String name, String help, double value) {
    return gauge(name, help, Labels.EMPTY, value);
  }

  public Metrics gauge(String name, String help, Labels labels, double value) {
    families.add(GaugeSnapshot.builder().name(name).help(help).unit(unitOf(name))
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build())
        .build());
    return this;
  }

  public Metrics gauge(String name, String help, OptionalLong value) {
    value.ifPresent(v -> gauge(name, help, v));
    return this;
  }

  public Metrics gauge(String name, String help, OptionalDouble value) {
    value.ifPresent(v -> gauge(name, help, v));
    return this;
  }

  /** A 0/1 gauge. */
  public Metrics flag(String name, String help, boolean value) {
    return gauge(name, help, value ? 1 : 0);
  }

  /** An {@code <name>_info} gauge fixed at 1; {@code name} is given without the suffix. */
  public Metrics info(String nameWithoutInfo, String help, Labels labels) {
    families.add(InfoSnapshot.builder().name(nameWithoutInfo).help(help)
        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(labels).build())
        .build());
    return this;
  }

  public Metrics add(MetricSnapshot family) {
    families.add(family);
    return this;
  }

  public List<MetricSnapshot> build() {
    return List.copyOf(families);
  }

  private static Unit unitOf(String name) {
    if (name.endsWith("_seconds")) {
      return Unit.SECONDS;
    }
    if (name.endsWith("_bytes")) {
      return Unit.BYTES;
    }
    return null;
  }
}
