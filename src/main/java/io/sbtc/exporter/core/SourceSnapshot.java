package io.sbtc.exporter.core;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one successful poll saw: immutable metric families, plus the errors of calls that failed
 * while others worked (each still counts in {@code sbtc_exporter_source_errors_total}).
 */
public record SourceSnapshot(List<MetricSnapshot> metrics, List<SourceException> partialErrors) {

  public SourceSnapshot {
    metrics = List.copyOf(metrics);
    partialErrors = List.copyOf(partialErrors);
  }

  public static SourceSnapshot of(List<MetricSnapshot> metrics) {
    return new SourceSnapshot(metrics, List.of());
  }

  /** The value of an unlabelled gauge in this snapshot, for metrics derived across sources. */
  public OptionalDouble gauge(String name) {
    for (MetricSnapshot m : metrics) {
      if (m instanceof GaugeSnapshot g && m.getMetadata().getName().equals(name)) {
        for (GaugeSnapshot.GaugeDataPointSnapshot p : g.getDataPoints()) {
          if (p.getLabels().isEmpty()) {
            return OptionalDouble.of(p.getValue());
          }
        }
      }
    }
    return OptionalDouble.empty();
  }

  /** A label of the first series of an info family ({@code name} without {@code _info}), for metrics derived across sources. */
  public Optional<String> infoLabel(String name, String label) {
    for (MetricSnapshot m : metrics) {
      if (m instanceof InfoSnapshot i && m.getMetadata().getName().equals(name) && !i.getDataPoints().isEmpty()) {
        return Optional.ofNullable(i.getDataPoints().get(0).getLabels().get(label));
      }
    }
    return Optional.empty();
  }

  public int seriesCount() {
    return metrics.stream().mapToInt(m -> m.getDataPoints().size()).sum();
  }

}
