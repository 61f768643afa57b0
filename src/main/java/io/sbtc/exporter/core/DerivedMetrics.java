package io.sbtc.exporter.core;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;

/**
 * Metrics computed across sources at scrape time, from fresh snapshots only: an input that is
 * missing or stale makes the derived value absent, never 0. The result must depend on {@code fresh}
 * alone (not on the clock): the encoded exposition is reused until a source's state or freshness changes.
 */
public interface DerivedMetrics {

  /** @param fresh the fresh snapshot of each source that has one, by source name */
  List<MetricSnapshot> derive(Map<String, SourceSnapshot> fresh);
}
