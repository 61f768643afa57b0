package io.sbtc.exporter.promtext;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;

/**
 * The families read from one exposition, and what had to be left out.
 *
 * @param skippedLines lines that were malformed, or samples that clashed with an earlier family
 * @param firstProblem the first such problem with its line number, for the landing page; empty if none
 */
public record ParseResult(List<MetricSnapshot> families, int skippedLines, String firstProblem) {
  public ParseResult {
    families = List.copyOf(families);
  }

  public int seriesCount() {
    return families.stream().mapToInt(f -> f.getDataPoints().size()).sum();
  }
}
