package io.sbtc.exporter;

import io.sbtc.exporter.config.BackupConfig;
import io.sbtc.exporter.config.ExporterConfig;
import io.sbtc.exporter.config.LogConfig;
import io.sbtc.exporter.config.VersionsConfig;
import io.sbtc.exporter.derived.VersionCheck;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.source.audit.FileModeAudit;
import io.sbtc.exporter.source.audit.ListenerAudit;
import io.sbtc.exporter.source.audit.SshdAudit;
import io.sbtc.exporter.source.logs.JournaldSource;
import io.sbtc.exporter.source.logs.LogFilesSource;
import io.sbtc.exporter.derived.ChainLag;
import io.sbtc.exporter.derived.DkgKeyCheck;
import io.sbtc.exporter.source.bitcoin.BitcoinSource;
import io.sbtc.exporter.source.disk.DiskSource;
import io.sbtc.exporter.source.release.ReleaseFeedSource;
import io.sbtc.exporter.source.backup.BackupSource;
import io.sbtc.exporter.source.backup.BackupVerifySource;
import io.sbtc.exporter.source.postgres.SignerDbSource;
import io.sbtc.exporter.source.signer.SignerInfoSource;
import io.sbtc.exporter.source.signer.SignerMetricsSource;
import io.sbtc.exporter.source.stacks.StacksMetricsSource;
import io.sbtc.exporter.source.stacks.StacksSource;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place where config sections become sources: every source the exporter can poll is
 * listed here, explicitly. A section that is absent from the config adds nothing.
 */
final class Sources {
  private Sources() {}

  static List<SourceSpec> fromConfig(Vertx vertx, ExporterConfig config, Clock clock) {
    List<SourceSpec> sources = new ArrayList<>();
    config.signer().ifPresent(signer -> {
      signer.metricsUrl().ifPresent(url ->
          sources.add(new SourceSpec(SignerMetricsSource.NAME, signer, () -> new SignerMetricsSource(vertx, signer))));
      signer.infoUrl().ifPresent(url ->
          sources.add(new SourceSpec(SignerInfoSource.NAME, signer, () -> new SignerInfoSource(vertx, signer))));
    });
    config.audit().ifPresent(audit -> {
      if (!audit.files().isEmpty()) {
        sources.add(new SourceSpec(FileModeAudit.NAME, audit, () -> new FileModeAudit(vertx, audit.schedule(), audit.files())));
      }
      audit.listeners().ifPresent(l ->
          sources.add(new SourceSpec(ListenerAudit.NAME, audit, () -> new ListenerAudit(vertx, audit.schedule(), l))));
      audit.ssh().ifPresent(ssh ->
          sources.add(new SourceSpec(SshdAudit.NAME, audit, () -> new SshdAudit(vertx, audit.schedule(), ssh))));
    });
    for (LogConfig logs : config.logs()) {
      sources.add(new SourceSpec(logs.sourceName(), logs, () -> switch (logs.source()) {
        case FILES -> new LogFilesSource(vertx, logs);
        case JOURNALD -> new JournaldSource(vertx, logs);
      }));
    }
    config.bitcoin().ifPresent(bitcoin ->
        sources.add(new SourceSpec(BitcoinSource.NAME, bitcoin, () -> new BitcoinSource(vertx, bitcoin, clock))));
    config.stacks().ifPresent(stacks -> {
      sources.add(new SourceSpec(StacksSource.NAME, stacks, () -> new StacksSource(vertx, stacks, clock)));
      stacks.metricsUrl().ifPresent(url ->
          sources.add(new SourceSpec(StacksMetricsSource.NAME, stacks, () -> new StacksMetricsSource(vertx, stacks))));
    });
    config.versions().flatMap(VersionsConfig::releaseFeed).ifPresent(feed ->
        sources.add(new SourceSpec(ReleaseFeedSource.NAME, feed, () -> new ReleaseFeedSource(vertx, feed))));
    config.signerDb().ifPresent(db -> sources.add(new SourceSpec(SignerDbSource.NAME, db, () -> new SignerDbSource(vertx, db))));
    for (BackupConfig backup : config.backups()) {
      sources.add(new SourceSpec(BackupSource.PREFIX + backup.name(), backup, () -> new BackupSource(vertx, backup)));
      if (backup.verify().isPresent()) {
        // The verification compares with the live database, so a signer_db change restarts it too.
        sources.add(new SourceSpec(BackupVerifySource.PREFIX + backup.name(), List.of(backup, config.signerDb()),
            () -> new BackupVerifySource(vertx, backup, config.signerDb())));
      }
    }
    config.disk().ifPresent(disk -> {
      List<Path> paths = diskPaths(config);
      // The watched paths come from other sections too: a change to any of them restarts it.
      sources.add(new SourceSpec(DiskSource.NAME, List.of(disk, paths), () -> new DiskSource(vertx, disk.schedule(), paths)));
    });
    return sources;
  }

  /** disk.paths, then every backup directory and log directory, each once. */
  static List<Path> diskPaths(ExporterConfig config) {
    Set<Path> paths = new LinkedHashSet<>();
    config.disk().ifPresent(d -> paths.addAll(d.paths()));
    config.backups().forEach(b -> paths.add(b.path().toAbsolutePath().normalize()));
    config.logs().forEach(l -> l.path().ifPresent(p -> paths.add(p.toAbsolutePath().normalize())));
    return List.copyOf(paths);
  }

  static List<DerivedMetrics> derived(ExporterConfig config) {
    return List.of(
        new ChainLag(config.bitcoin().isPresent(), config.stacks().isPresent()),
        new DkgKeyCheck(),
        new VersionCheck(config.versions().orElse(new VersionsConfig(java.util.Map.of(), java.util.Optional.empty()))));
  }
}
