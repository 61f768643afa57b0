package io.sbtc.exporter.source.stacks;

import io.sbtc.exporter.source.PrometheusRelay;
import io.sbtc.exporter.source.RelaySource;
import io.vertx.core.Vertx;

/**
 * {@code stacks_metrics}: relays the Stacks node's own Prometheus endpoint ({@code prometheus_bind},
 * port 9153 in the sBTC mainnet setup) with its names and labels unchanged, or behind
 * {@code stacks.relay_prefix}. A source of its own, so a node started without {@code prometheus_bind}
 * takes down only this, not the RPC metrics.
 */
public final class StacksMetricsSource {
  public static final String NAME = "stacks_metrics";

  private StacksMetricsSource() {}

  static RelaySource create(Vertx vertx, StacksConfig config) {
    return new RelaySource(vertx, config.metricsUrl().orElseThrow(), config.tlsCaFile(), config.maxBodySize(),
        new PrometheusRelay("the Stacks node", "sbtc_stacks_metrics", "stacks.max_series", config.relayPrefix(), config.maxSeries()));
  }
}
