package io.sbtc.exporter.source.disk;

import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.config.Schedule;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code disk}: size, free bytes and free inodes of the filesystems that hold the watched paths
 * (the backup and log directories, plus {@code disk.paths}), labelled by path. In a container these
 * are the mounted volumes. A path that cannot be read costs only its own series; the poll fails
 * only when none can be.
 */
public final class DiskSource implements Source {
  public static final String NAME = "disk";
  static final String DEFAULT_STAT = "stat";

  private final Vertx vertx;
  private final Schedule schedule;
  private final List<Path> paths;
  private final StatFs statFs;

  public DiskSource(Vertx vertx, Schedule schedule, List<Path> paths) {
    this(vertx, schedule, paths, DEFAULT_STAT);
  }

  DiskSource(Vertx vertx, Schedule schedule, List<Path> paths, String statBinary) {
    this.vertx = vertx;
    this.schedule = schedule;
    this.paths = List.copyOf(paths);
    this.statFs = new StatFs(statBinary);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Schedule schedule() {
    return schedule;
  }

  @Override
  public Future<SourceSnapshot> poll() {
    // A process per path: blocking work, so a worker.
    return vertx.executeBlocking(this::readAll, false);
  }

  private SourceSnapshot readAll() {
    // Every path's stat runs at once until the poll's timeout less a tenth, so a hung mount fails alone.
    long deadline = System.nanoTime() + timeout().minus(timeout().dividedBy(10)).toNanos();
    List<StatFs.Running> running = paths.stream().map(p -> statFs.start(p, deadline)).toList();
    Metrics m = new Metrics();
    List<SourceException> errors = new ArrayList<>();
    int read = 0;
    for (int i = 0; i < paths.size(); i++) {
      Path path = paths.get(i);
      StatFs.Usage u;
      try {
        u = StatFs.finish(running.get(i));
      } catch (SourceException e) {
        errors.add(e);
        continue;
      }
      read++;
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
    if (read == 0 && !errors.isEmpty()) {
      throw errors.get(0);
    }
    return new SourceSnapshot(m.build(), errors);
  }
}
