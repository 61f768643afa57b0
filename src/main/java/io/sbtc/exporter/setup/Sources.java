package io.sbtc.exporter.setup;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.derived.ChainLag;
import io.sbtc.exporter.derived.DkgKeyCheck;
import io.sbtc.exporter.derived.VersionCheck;
import io.sbtc.exporter.source.audit.AuditConfig;
import io.sbtc.exporter.source.audit.AuditSources;
import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.backup.BackupSources;
import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.bitcoin.BitcoinSource;
import io.sbtc.exporter.source.logs.LogConfig;
import io.sbtc.exporter.source.logs.LogSources;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.source.postgres.SignerDbSource;
import io.sbtc.exporter.source.release.ReleaseFeedSource;
import io.sbtc.exporter.source.release.VersionsConfig;
import io.sbtc.exporter.source.signer.SignerConfig;
import io.sbtc.exporter.source.signer.SignerSources;
import io.sbtc.exporter.source.stacks.StacksConfig;
import io.sbtc.exporter.source.stacks.StacksSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where config sections become sources: each line is a top-level key of the config
 * file, the record its source package reads it into, and that package's factory of sources. Every
 * source the exporter can poll is listed here, explicitly; a section absent from the config adds
 * nothing. Sections are read in this order, which is also the order {@code --check-config} prints.
 */
public final class Sources {
  private Sources() {}

  static final List<Section<?>> TABLE = List.<Section<?>>of(
      Section.one("signer", SignerConfig.class, SignerConfig::read, SignerSources::specs),
      Section.one("audit", AuditConfig.class, AuditConfig::read, AuditSources::specs),
      Section.list("logs", LogConfig.class, LogConfig::readAll, LogSources::specs),
      Section.one("bitcoin", BitcoinConfig.class, BitcoinConfig::read, BitcoinSource::specs),
      Section.one("stacks", StacksConfig.class, StacksConfig::read, StacksSource::specs),
      Section.one("versions", VersionsConfig.class, VersionsConfig::read, ReleaseFeedSource::specs),
      Section.one("signer_db", SignerDbConfig.class, SignerDbConfig::read, SignerDbSource::specs),
      // After signer_db: a backup's verify.scratch_url must not be the signer's database, and its
      // verification compares the restored DKG key with the live one.
      new Section<>("backups", BackupConfig.class,
          (root, key, before) -> BackupConfig.readAll(root.objectList(key), before.section(SignerDbConfig.class)),
          (backup, context, all) -> BackupSources.specs(backup, all.section(SignerDbConfig.class), context)));

  /** Every section of the table from {@code root}, in order. */
  static Sections read(ConfigNode root) {
    Map<Class<?>, List<?>> read = new LinkedHashMap<>();
    TABLE.forEach(s -> read.put(s.type(), List.of()));
    for (Section<?> s : TABLE) {
      read.put(s.type(), s.reader().read(root, s.key(), Sections.of(read)));
    }
    return Sections.of(read);
  }

  /** The sources the config asks for, in the table's order. */
  public static List<SourceSpec> fromConfig(ExporterConfig config, SourceContext context) {
    List<SourceSpec> specs = new ArrayList<>();
    for (Section<?> s : TABLE) {
      for (Object entry : config.sections().all(s.type())) {
        specs.addAll(s.specs(entry, context, config.sections()));
      }
    }
    return specs;
  }

  /** The metrics derived across sources at scrape time. */
  public static List<DerivedMetrics> derived(ExporterConfig config) {
    return List.of(
        new ChainLag(config.section(BitcoinConfig.class).isPresent(), config.section(StacksConfig.class).isPresent()),
        new DkgKeyCheck(),
        new VersionCheck(config.section(VersionsConfig.class).orElse(VersionsConfig.NONE)));
  }
}
