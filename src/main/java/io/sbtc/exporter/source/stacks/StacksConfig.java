package io.sbtc.exporter.source.stacks;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code stacks:} section: the Stacks node's RPC endpoint ({@code /v2/info} and friends) and,
 * when set, its own Prometheus endpoint ({@code prometheus_bind} in the node's config), relayed.
 */
public record StacksConfig(
    URI rpcUrl,
    Schedule schedule,
    Optional<Path> tlsCaFile,
    Optional<URI> metricsUrl,
    String relayPrefix,
    long maxBodySize,
    int maxSeries) {

  public static final String DEFAULT_RPC_URL = "http://127.0.0.1:20443";
  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(15), Duration.ofSeconds(5));
  /** A few MiB at most: the node's page grows with the RPC paths in its latency histogram. */
  public static final long DEFAULT_MAX_BODY_BYTES = 16L << 20;
  public static final int DEFAULT_MAX_SERIES = 10_000;
  private static final Pattern METRIC_PREFIX = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  public static StacksConfig read(ConfigNode node) {
    URI url = node.httpUrl("rpc_url", DEFAULT_RPC_URL);
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    Optional<Path> ca = node.readableFile("tls_ca_file");
    Optional<URI> metrics = node.httpUrl("metrics_url");
    String prefix = node.string("relay_prefix", "");
    if (!prefix.isEmpty() && !METRIC_PREFIX.matcher(prefix).matches()) {
      throw node.error("relay_prefix", "must be a metric name prefix like \"stacks_\" (got \"" + prefix + "\")");
    }
    long maxBody = node.bytes("max_body_size", DEFAULT_MAX_BODY_BYTES);
    int maxSeries = node.integer("max_series", DEFAULT_MAX_SERIES, 1, 1_000_000);
    node.rejectUnknownKeys();
    return new StacksConfig(url, schedule, ca, metrics, prefix, maxBody, maxSeries);
  }
}
