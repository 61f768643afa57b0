package io.sbtc.exporter.source.backup;

import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;

/**
 * {@code backup:<name>}: how old and how large the newest backup is. A missing directory, no
 * matching file or an unreadable newest file fails the poll (source down, with the reason), so it
 * never shows as a healthy-looking number.
 */
public final class BackupSource implements Source.Blocking {
  public static final String PREFIX = "backup:";

  private final BackupConfig config;
  private final Labels labels;

  public BackupSource(BackupConfig config) {
    this.config = config;
    this.labels = Labels.of("backup", config.name());
  }

  /** Listing and stat are blocking file I/O: on a worker. */
  @Override
  public SourceSnapshot poll(Poll poll) {
    BackupFiles.Listing listing;
    try {
      listing = BackupFiles.scan(config.path().toAbsolutePath(), config.pattern());
    } catch (BackupFiles.Problem p) {
      throw new SourceException(p.denied() ? ErrorReason.AUTH : ErrorReason.OTHER, p.getMessage());
    }
    return SourceSnapshot.of(new Metrics()
        .gauge("sbtc_backup_last_timestamp_seconds", "Modification time (Unix) of the newest backup file.", labels,
            listing.newest().modified().toEpochMilli() / 1000.0)
        .gauge("sbtc_backup_last_size_bytes", "Size of the newest backup file.", labels, listing.newest().size())
        .gauge("sbtc_backup_files", "Backup files that match the pattern in the backup directory.", labels, listing.count())
        .gauge("sbtc_backup_max_age_seconds",
            "The configured max_age: the newest backup should be younger than this (alert on time() - sbtc_backup_last_timestamp_seconds > this).",
            labels, config.maxAge().toMillis() / 1000.0)
        .gauge("sbtc_backup_min_size_bytes",
            "The configured min_size: the newest backup should be at least this large.", labels, config.minSize())
        .build());
  }
}
