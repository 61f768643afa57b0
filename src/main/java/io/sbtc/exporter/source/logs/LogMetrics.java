package io.sbtc.exporter.source.logs;

import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.source.Metrics;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code sbtc_logs_*} families of one component. Every {@code logs:<component>} source emits
 * the same names, each series with its {@code component} label, and the core merges them.
 */
final class LogMetrics {
  static final String OLDEST = "sbtc_logs_oldest_entry_timestamp_seconds";
  static final String LAST_WRITE = "sbtc_logs_last_write_timestamp_seconds";
  static final String BYTES = "sbtc_logs_bytes";
  static final String FILES = "sbtc_logs_files";
  static final String UNPARSED = "sbtc_logs_unparsed_files";
  static final String MIN_RETENTION = "sbtc_logs_min_retention_seconds";
  static final String MAX_SILENCE = "sbtc_logs_max_silence_seconds";

  private LogMetrics() {}

  static List<MetricSnapshot> files(LogConfig config, LogScan scan) {
    Labels labels = Labels.of("component", config.component());
    Metrics m = common(config, labels, scan.oldestEntry(), scan.lastWrite());
    m.gauge(BYTES, "Total size of the component's log files (current and rotated; compressed files at their compressed size).",
        labels, scan.bytes());
    m.gauge(FILES, "Number of the component's log files (current and rotated) that match the configured pattern.",
        labels, scan.files());
    m.gauge(UNPARSED, "Log files read for their oldest timestamp whose first lines held none in the configured format."
        + " Only the oldest files are read, up to the first one that parses.", labels, scan.unparsedFiles());
    return m.build();
  }

  static List<MetricSnapshot> journal(LogConfig config, Optional<Instant> oldest, Optional<Instant> newest) {
    return common(config, Labels.of("component", config.component()), oldest, newest).build();
  }

  private static Metrics common(LogConfig config, Labels labels, Optional<Instant> oldest, Optional<Instant> lastWrite) {
    Metrics m = new Metrics();
    oldest.ifPresent(t -> m.gauge(OLDEST,
        "Unix time of the oldest log line still kept, from the line's own timestamp (first lines of the oldest file, or the"
            + " oldest journal entry); absent when unknown. Coverage: time() minus this.", labels, seconds(t)));
    lastWrite.ifPresent(t -> m.gauge(LAST_WRITE,
        "Unix time of the latest write to the component's logs (newest file modification time, or newest journal entry).",
        labels, seconds(t)));
    m.gauge(MIN_RETENTION, "The configured min_retention: how far back the component's logs must reach.",
        labels, seconds(config.minRetention()));
    m.gauge(MAX_SILENCE, "The configured max_silence: how long the component's logs may go without a write.",
        labels, seconds(config.maxSilence()));
    return m;
  }

  /** Exact to the nanosecond as far as a double allows: the same value as the decimal text of the timestamp. */
  static double seconds(Instant t) {
    return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9)).doubleValue();
  }

  static double seconds(Duration d) {
    return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).doubleValue();
  }
}
