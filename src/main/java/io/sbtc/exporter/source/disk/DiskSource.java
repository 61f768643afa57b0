package io.sbtc.exporter.source.disk;

import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.logs.LogConfig;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code disk}: size, free bytes and free inodes of the filesystems that hold the watched paths
 * (the backup and log directories, plus {@code disk.paths}), labelled by path. In a container these
 * are the mounted volumes. A path that cannot be read costs only its own series; the poll fails
 * only when none can be.
 */
public final class DiskSource {
  public static final String NAME = "disk";
  static final String DEFAULT_STAT = "stat";

  private final List<Path> paths;
  private final StatFs statFs;

  DiskSource(List<Path> paths, String statBinary) {
    this.paths = List.copyOf(paths);
    this.statFs = new StatFs(statBinary);
  }

  /**
   * The one source of a {@code disk:} section. Its paths come from other sections too (every backup
   * and every log directory), so a change to any of them replaces it.
   */
  public static List<SourceSpec> specs(DiskConfig config, List<BackupConfig> backups, List<LogConfig> logs, SourceContext context) {
    List<Path> paths = paths(config, backups, logs);
    // A process per path: blocking work from start to end, so the whole poll runs on a worker.
    return List.of(new SourceSpec(NAME, config.schedule(), List.of(config, paths),
        () -> Source.onWorker(context.vertx(), new DiskSource(paths, DEFAULT_STAT)::readAll)));
  }

  /** disk.paths, then every backup directory and log directory, each once. */
  static List<Path> paths(DiskConfig config, List<BackupConfig> backups, List<LogConfig> logs) {
    Set<Path> paths = new LinkedHashSet<>(config.paths());
    backups.forEach(b -> paths.add(b.path().toAbsolutePath().normalize()));
    logs.forEach(l -> {
      if (l instanceof LogConfig.Files files) {
        paths.add(files.path().toAbsolutePath().normalize());
      }
    });
    return List.copyOf(paths);
  }

  SourceSnapshot readAll(Poll poll) {
    // Every path's stat runs at once until the poll's part deadline, so a hung mount fails alone.
    long deadline = System.nanoTime() + poll.partDeadline().remaining().toNanos();
    List<StatFs.Running> running = paths.stream().map(p -> statFs.start(p, deadline)).toList();
    Metrics m = new Metrics();
    for (int i = 0; i < paths.size(); i++) {
      Path path = paths.get(i);
      StatFs.Running r = running.get(i);
      // Each path is a part of the poll: one that cannot be read costs only its own series.
      Optional<StatFs.Usage> read = poll.read(path.toString(), () -> StatFs.finish(r));
      if (read.isEmpty()) {
        continue;
      }
      StatFs.Usage u = read.get();
      Labels labels = Labels.of("path", path.toString());
      // One family per series: the core merges families of one name, as it does across sources.
      m.gauge("sbtc_disk_size_bytes", "Size of the filesystem that holds the path (statfs f_blocks).", labels, u.sizeBytes());
      m.gauge("sbtc_disk_available_bytes",
          "Bytes free for unprivileged users on the filesystem that holds the path (statfs f_bavail, as df's Avail).", labels,
          u.availableBytes());
      u.inodes().ifPresent(n -> m.gauge("sbtc_disk_inodes",
          "Inodes of the filesystem that holds the path (statfs f_files); absent when it has no fixed number.", labels, n));
      u.inodesFree().ifPresent(n -> m.gauge("sbtc_disk_inodes_free",
          "Free inodes of the filesystem that holds the path (statfs f_ffree); absent when it has no fixed number.", labels, n));
    }
    return poll.snapshot(m.build());
  }
}
