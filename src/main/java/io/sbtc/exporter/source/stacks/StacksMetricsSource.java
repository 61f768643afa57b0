package io.sbtc.exporter.source.stacks;

import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.PrometheusRelay;
import io.sbtc.exporter.source.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;

/**
 * {@code stacks_metrics}: relays the Stacks node's own Prometheus endpoint ({@code prometheus_bind},
 * port 9153 in the sBTC mainnet setup) with its names and labels unchanged, or behind
 * {@code stacks.relay_prefix}. A source of its own, so a node started without {@code prometheus_bind}
 * takes down only this, not the RPC metrics.
 */
public final class StacksMetricsSource implements Source {
  public static final String NAME = "stacks_metrics";

  private final Vertx vertx;
  private final UpstreamHttp http;
  private final URI url;
  private final PrometheusRelay relay;

  public StacksMetricsSource(Vertx vertx, StacksConfig config) {
    this.vertx = vertx;
    this.http = new UpstreamHttp(vertx, config.tlsCaFile(), config.maxBodySize());
    this.url = config.metricsUrl().orElseThrow();
    this.relay = new PrometheusRelay("the Stacks node", "sbtc_stacks_metrics", "stacks.max_series", config.relayPrefix(), config.maxSeries());
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    return relay.fetch(vertx, http, url, poll);
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
