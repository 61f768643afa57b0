package io.sbtc.exporter.source.signer;

import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSpec;
import java.util.ArrayList;
import java.util.List;

/** The {@code signer:} section's sources: its metrics endpoint relayed, its {@code /info} read; each only when its URL is set. */
public final class SignerSources {
  private SignerSources() {}

  public static List<SourceSpec> specs(SignerConfig config, SourceContext context) {
    List<SourceSpec> specs = new ArrayList<>();
    config.metricsUrl().ifPresent(url -> specs.add(
        new SourceSpec(SignerMetricsSource.NAME, config.schedule(), config, () -> SignerMetricsSource.create(context.vertx(), config))));
    config.infoUrl().ifPresent(url -> specs.add(
        new SourceSpec(SignerInfoSource.NAME, config.schedule(), config, () -> new SignerInfoSource(context.vertx(), config))));
    return specs;
  }
}
