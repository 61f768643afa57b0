package io.sbtc.exporter.source.disk;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.logs.LogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code disk:} section: free space and inodes of the filesystems that hold the signer's data.
 * The backup and log paths of the other sections are always watched; {@code paths} adds more, such
 * as bitcoind's datadir and PostgreSQL's data directory.
 */
public record DiskConfig(List<Path> paths, Schedule schedule) {

  /** Free space moves slowly; the trend alert looks at hours. */
  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofMinutes(1), Duration.ofSeconds(10));

  public DiskConfig {
    paths = List.copyOf(paths);
  }

  /** Reads the section; the backups and logs read before it are watched too, so paths may then be left out. */
  public static DiskConfig read(ConfigNode node, List<BackupConfig> backups, List<LogConfig> logs) {
    List<String> listed = node.stringList("paths");
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < listed.size(); i++) {
      String p = listed.get(i);
      if (p.isBlank() || !Path.of(p).isAbsolute()) {
        throw node.error("paths[" + i + "]", "must be an absolute path (got \"" + p + "\")");
      }
      paths.add(Path.of(p).normalize());
    }
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    node.rejectUnknownKeys();
    DiskConfig config = new DiskConfig(paths, schedule);
    if (DiskSource.paths(config, backups, logs).isEmpty()) {
      throw node.error("watches nothing: list paths (bitcoind's datadir, PostgreSQL's data directory), or add backups or logs entries with a path");
    }
    return config;
  }
}
