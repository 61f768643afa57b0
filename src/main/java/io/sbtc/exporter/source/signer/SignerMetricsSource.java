package io.sbtc.exporter.source.signer;

import io.sbtc.exporter.source.PrometheusRelay;
import io.sbtc.exporter.source.RelaySource;
import io.vertx.core.Vertx;

/**
 * {@code signer_metrics}: relays every family of the signer's own Prometheus endpoint with its
 * names and labels unchanged (or with {@code relay_prefix}), plus how much of it was relayed.
 */
public final class SignerMetricsSource {
  public static final String NAME = "signer_metrics";

  private SignerMetricsSource() {}

  static RelaySource create(Vertx vertx, SignerConfig config) {
    return new RelaySource(vertx, config.metricsUrl().orElseThrow(), config.tlsCaFile(), config.maxBodySize(),
        new PrometheusRelay("the signer", "sbtc_signer_metrics", "signer.max_series", config.relayPrefix(), config.maxSeries()));
  }
}
