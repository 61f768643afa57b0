package io.sbtc.exporter.core;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;

/** The exporter's own {@code sbtc_exporter_*} metrics: the health of each source, owned by the core. */
final class SelfMetrics {
  private static final String POLLED =
      " Sources are polled in the background, each on its own interval (sbtc_exporter_source_interval_seconds); a scrape never waits for a poll.";

  /** The process's start, read once: a restart shows as a new value (a dashboard annotation), a reload does not. */
  private static final double PROCESS_START_SECONDS = ProcessHandle.current().info().startInstant()
      .orElseGet(java.time.Instant::now).toEpochMilli() / 1000.0;

  private SelfMetrics() {}

  static List<MetricSnapshot> of(String version, List<SourceView> views) {
    GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("sbtc_exporter_source_up")
        .help("1 if the latest poll of the source succeeded and its data is younger than 3 intervals, 0 otherwise." + POLLED);
    GaugeSnapshot.Builder lastSuccess = GaugeSnapshot.builder().name("sbtc_exporter_source_last_success_timestamp_seconds")
        .help("Unix time when the latest successful poll of the source finished." + POLLED);
    GaugeSnapshot.Builder duration = GaugeSnapshot.builder().name("sbtc_exporter_source_poll_duration_seconds").unit(Unit.SECONDS)
        .help("How long the latest poll of the source took, successful or not." + POLLED);
    GaugeSnapshot.Builder interval = GaugeSnapshot.builder().name("sbtc_exporter_source_interval_seconds").unit(Unit.SECONDS)
        .help("The configured poll interval of the source.");
    CounterSnapshot.Builder errors = CounterSnapshot.builder().name("sbtc_exporter_source_errors_total")
        .help("Failed polls, or failed calls within a poll, by source and reason (timeout, connect, tls, http_status, auth, parse, too_large, other)."
            + POLLED);
    for (SourceView v : views) {
      Labels source = Labels.of("source", v.name());
      up.dataPoint(gauge(source, v.up() ? 1 : 0));
      v.state().lastSuccess().ifPresent(t -> lastSuccess.dataPoint(gauge(source, t.toEpochMilli() / 1000.0)));
      if (v.state().polledOnce()) {
        duration.dataPoint(gauge(source, v.state().lastPollDuration().toNanos() / 1e9));
      }
      interval.dataPoint(gauge(source, v.interval().toMillis() / 1000.0));
      for (ErrorReason reason : ErrorReason.values()) {
        // Every reason from the start, so rate() sees the first error as an increase from 0.
        long n = v.state().errors().getOrDefault(reason, 0L);
        errors.dataPoint(CounterDataPointSnapshot.builder().labels(source.add("reason", reason.label())).value(n).build());
      }
    }
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(InfoSnapshot.builder().name("sbtc_exporter_build")
        .help("Always 1; the exporter's version in a label.")
        .dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("version", version)).build())
        .build());
    out.add(GaugeSnapshot.builder().name("sbtc_exporter_start_timestamp_seconds")
        .help("Unix time when the exporter's process started: it changes at each restart, never at a config reload.")
        .dataPoint(gauge(Labels.EMPTY, PROCESS_START_SECONDS)).build());
    out.add(up.build());
    out.add(lastSuccess.build());
    out.add(duration.build());
    out.add(interval.build());
    out.add(errors.build());
    return out;
  }

  /** As Prometheus's own prometheus_config_last_reload_*. */
  static List<MetricSnapshot> of(ConfigReloads reloads) {
    return List.of(
        GaugeSnapshot.builder().name(ConfigReloads.SUCCESSFUL)
            .help("1 if the last reload of the config succeeded (or none was tried since the start), 0 if it failed and the config"
                + " read before stays in force. Reloads: SIGHUP, POST /-/reload, and the web config's files when they change.")
            .dataPoint(gauge(Labels.EMPTY, reloads.lastSuccessful() ? 1 : 0)).build(),
        GaugeSnapshot.builder().name(ConfigReloads.SUCCESS_TIMESTAMP)
            .help("Unix time when the config in force was last read without a problem: the start, or the last successful reload.")
            .dataPoint(gauge(Labels.EMPTY, reloads.lastSuccess().toEpochMilli() / 1000.0)).build());
  }

  private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
