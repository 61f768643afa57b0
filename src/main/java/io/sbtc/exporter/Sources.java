package io.sbtc.exporter;

import io.sbtc.exporter.config.BackupConfig;
import io.sbtc.exporter.config.ExporterConfig;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.source.backup.BackupSource;
import io.sbtc.exporter.source.backup.BackupVerifySource;
import io.sbtc.exporter.source.postgres.SignerDbSource;
import io.sbtc.exporter.source.signer.SignerInfoSource;
import io.sbtc.exporter.source.signer.SignerMetricsSource;
import io.vertx.core.Vertx;
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
    config.signerDb().ifPresent(db -> sources.add(new SignerDbSource(vertx, db)));
    for (BackupConfig backup : config.backups()) {
      sources.add(new BackupSource(vertx, backup));
      if (backup.verify().isPresent()) {
        sources.add(new BackupVerifySource(vertx, backup, config.signerDb()));
      }
    }
    return sources;
  }

  static List<DerivedMetrics> derived(ExporterConfig config) {
    return List.of();
  }
}
