package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.ConfinedDirectory;

/** {@code logs:<component>} for log files in a directory: retention measured from the files themselves. */
public final class LogFilesSource implements Source.Blocking {
  private final LogConfig.Files config;
  private final LogDirectoryScanner scanner;

  public LogFilesSource(LogConfig.Files config) {
    this(config, ConfinedDirectory::open);
  }

  LogFilesSource(LogConfig.Files config, LogDirectoryScanner.Opener opener) {
    this.config = config;
    this.scanner = new LogDirectoryScanner(config.path(), config.pattern(), config.format(), opener);
  }

  /** Listing, stat and reading are blocking file I/O: on a worker. */
  @Override
  public SourceSnapshot poll(Poll poll) {
    LogScan scan = scanner.scan(poll.deadline());
    scan.problems().forEach(poll::problem);
    return poll.snapshot(LogMetrics.files(config, scan));
  }
}
