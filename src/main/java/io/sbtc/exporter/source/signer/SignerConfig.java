package io.sbtc.exporter.source.signer;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/** The {@code signer:} section: the signer's Prometheus endpoint (relayed) and its {@code /info}. */
public record SignerConfig(
    Optional<URI> metricsUrl,
    Optional<URI> infoUrl,
    Schedule schedule,
    String relayPrefix,
    long maxBodySize,
    int maxSeries,
    Optional<Path> tlsCaFile) {

  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(15), Duration.ofSeconds(5));
  public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
  /** The signer exposes a few hundred series; a page with many more is not the signer's. */
  public static final int DEFAULT_MAX_SERIES = 10_000;
  private static final Pattern METRIC_PREFIX = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  public static SignerConfig read(ConfigNode node) {
    Optional<URI> metrics = node.httpUrl("metrics_url");
    Optional<URI> info = node.httpUrl("info_url");
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    String prefix = node.string("relay_prefix", "");
    if (!prefix.isEmpty() && !METRIC_PREFIX.matcher(prefix).matches()) {
      throw node.error("relay_prefix", "must be a metric name prefix like \"signer_\" (got \"" + prefix + "\")");
    }
    long maxBody = node.bytes("max_body_size", DEFAULT_MAX_BODY_BYTES);
    int maxSeries = node.integer("max_series", DEFAULT_MAX_SERIES, 1, 1_000_000);
    Optional<Path> ca = node.readableFile("tls_ca_file");
    node.rejectUnknownKeys();
    if (metrics.isEmpty() && info.isEmpty()) {
      throw node.error("needs metrics_url, info_url or both");
    }
    return new SignerConfig(metrics, info, schedule, prefix, maxBody, maxSeries, ca);
  }
}
