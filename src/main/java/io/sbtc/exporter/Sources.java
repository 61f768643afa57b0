package io.sbtc.exporter;

import io.sbtc.exporter.config.ExporterConfig;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.derived.ChainLag;
import io.sbtc.exporter.source.bitcoin.BitcoinSource;
import io.sbtc.exporter.source.signer.SignerInfoSource;
import io.sbtc.exporter.source.signer.SignerMetricsSource;
import io.sbtc.exporter.source.stacks.StacksSource;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where config sections become sources: every source the exporter can poll is
 * listed here, explicitly. A section that is absent from the config adds nothing.
 */
final class Sources {
  private Sources() {}

  static List<Source> fromConfig(Vertx vertx, ExporterConfig config) {
    List<Source> sources = new ArrayList<>();
    config.signer().ifPresent(signer -> {
      signer.metricsUrl().ifPresent(url -> sources.add(new SignerMetricsSource(vertx, signer)));
      signer.infoUrl().ifPresent(url -> sources.add(new SignerInfoSource(vertx, signer)));
    });
    // The tip trackers stamp when a tip changed: wall-clock time, whatever clock schedules polls.
    config.bitcoin().ifPresent(bitcoin -> sources.add(new BitcoinSource(vertx, bitcoin, Clock.systemUTC())));
    config.stacks().ifPresent(stacks -> sources.add(new StacksSource(vertx, stacks, Clock.systemUTC())));
    return sources;
  }

  static List<DerivedMetrics> derived(ExporterConfig config) {
    return List.of(new ChainLag(config.bitcoin().isPresent(), config.stacks().isPresent()));
  }
}
