package io.sbtc.exporter;

import io.sbtc.exporter.config.BackupConfig;
import io.sbtc.exporter.config.ExporterConfig;
import io.sbtc.exporter.config.LogConfig;
import io.sbtc.exporter.config.VersionsConfig;
import io.sbtc.exporter.derived.VersionCheck;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.source.audit.FileModeAudit;
import io.sbtc.exporter.source.audit.ListenerAudit;
import io.sbtc.exporter.source.audit.SshdAudit;
import io.sbtc.exporter.source.logs.JournaldSource;
import io.sbtc.exporter.source.logs.LogFilesSource;
import io.sbtc.exporter.derived.ChainLag;
import io.sbtc.exporter.derived.DkgKeyCheck;
import io.sbtc.exporter.source.bitcoin.BitcoinSource;
import io.sbtc.exporter.source.release.ReleaseFeedSource;
import io.sbtc.exporter.source.backup.BackupSource;
import io.sbtc.exporter.source.backup.BackupVerifySource;
import io.sbtc.exporter.source.postgres.SignerDbSource;
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

  static List<SourceSpec> fromConfig(Vertx vertx, ExporterConfig config, Clock clock) {
    List<SourceSpec> sources = new ArrayList<>();
    config.signer().ifPresent(signer -> {
      signer.metricsUrl().ifPresent(url -> sources.add(
          new SourceSpec(SignerMetricsSource.NAME, signer.schedule(), signer, () -> new SignerMetricsSource(vertx, signer))));
      signer.infoUrl().ifPresent(url -> sources.add(
          new SourceSpec(SignerInfoSource.NAME, signer.schedule(), signer, () -> new SignerInfoSource(vertx, signer))));
    });
    config.audit().ifPresent(audit -> {
      if (!audit.files().isEmpty()) {
        sources.add(new SourceSpec(FileModeAudit.NAME, audit.schedule(), audit,
            () -> Source.onWorker(vertx, new FileModeAudit(audit.files()))));
      }
      audit.listeners().ifPresent(l -> sources.add(new SourceSpec(ListenerAudit.NAME, audit.schedule(), audit,
          () -> Source.onWorker(vertx, new ListenerAudit(l)))));
      audit.ssh().ifPresent(ssh -> sources.add(new SourceSpec(SshdAudit.NAME, audit.schedule(), audit,
          () -> Source.onWorker(vertx, new SshdAudit(ssh)))));
    });
    for (LogConfig logs : config.logs()) {
      sources.add(new SourceSpec(logs.sourceName(), logs.schedule(), logs, () -> Source.onWorker(vertx, switch (logs.source()) {
        case FILES -> new LogFilesSource(logs);
        case JOURNALD -> new JournaldSource(logs);
      })));
    }
    config.bitcoin().ifPresent(bitcoin -> sources.add(
        new SourceSpec(BitcoinSource.NAME, bitcoin.schedule(), bitcoin, () -> new BitcoinSource(vertx, bitcoin, clock))));
    config.stacks().ifPresent(stacks -> sources.add(
        new SourceSpec(StacksSource.NAME, stacks.schedule(), stacks, () -> new StacksSource(vertx, stacks, clock))));
    config.versions().flatMap(VersionsConfig::releaseFeed).ifPresent(feed -> sources.add(
        new SourceSpec(ReleaseFeedSource.NAME, feed.schedule(), feed, () -> new ReleaseFeedSource(vertx, feed))));
    config.signerDb().ifPresent(db -> sources.add(
        new SourceSpec(SignerDbSource.NAME, db.schedule(), db, () -> new SignerDbSource(vertx, db))));
    for (BackupConfig backup : config.backups()) {
      sources.add(new SourceSpec(BackupSource.PREFIX + backup.name(), backup.schedule(), backup,
          () -> Source.onWorker(vertx, new BackupSource(backup))));
      backup.verify().ifPresent(verify ->
          // The verification compares with the live database, so a signer_db change restarts it too.
          sources.add(new SourceSpec(BackupVerifySource.PREFIX + backup.name(), BackupVerifySource.schedule(verify),
              List.of(backup, config.signerDb()), () -> new BackupVerifySource(vertx, backup, config.signerDb()))));
    }
    return sources;
  }

  static List<DerivedMetrics> derived(ExporterConfig config) {
    return List.of(
        new ChainLag(config.bitcoin().isPresent(), config.stacks().isPresent()),
        new DkgKeyCheck(),
        new VersionCheck(config.versions().orElse(new VersionsConfig(java.util.Map.of(), java.util.Optional.empty()))));
  }
}
