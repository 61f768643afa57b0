package io.sbtc.exporter.source.signer;

import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.PrometheusRelay;
import io.sbtc.exporter.source.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;

/**
 * {@code signer_metrics}: relays every family of the signer's own Prometheus endpoint with its
 * names and labels unchanged (or with {@code relay_prefix}), plus how much of it was relayed.
 */
public final class SignerMetricsSource implements Source {
  public static final String NAME = "signer_metrics";

  private final Vertx vertx;
  private final UpstreamHttp http;
  private final URI url;
  private final PrometheusRelay relay;

  public SignerMetricsSource(Vertx vertx, SignerConfig config) {
    this.vertx = vertx;
    this.http = new UpstreamHttp(vertx, config.tlsCaFile(), config.maxBodySize());
    this.url = config.metricsUrl().orElseThrow();
    this.relay = new PrometheusRelay("the signer", "sbtc_signer_metrics", "signer.max_series", config.relayPrefix(), config.maxSeries());
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
