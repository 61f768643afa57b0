package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.config.LogConfig;
import io.sbtc.exporter.config.Schedule;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.ConfinedDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** {@code logs:<component>} for log files in a directory: retention measured from the files themselves. */
public final class LogFilesSource implements Source {
  private final Vertx vertx;
  private final LogConfig config;
  private final LogDirectoryScanner scanner;

  public LogFilesSource(Vertx vertx, LogConfig config) {
    this(vertx, config, ConfinedDirectory::open);
  }

  LogFilesSource(Vertx vertx, LogConfig config, LogDirectoryScanner.Opener opener) {
    this.vertx = vertx;
    this.config = config;
    this.scanner = new LogDirectoryScanner(config.path().orElseThrow(), config.pattern().orElseThrow(),
        config.format().orElse(LogConfig.Format.AUTO), opener);
  }

  @Override
  public String name() {
    return config.sourceName();
  }

  @Override
  public Schedule schedule() {
    return config.schedule();
  }

  @Override
  public Future<SourceSnapshot> poll() {
    // Listing, stat and reading are blocking file I/O: never on the event loop.
    return vertx.executeBlocking(() -> {
      LogScan scan = scanner.scan();
      return new SourceSnapshot(LogMetrics.files(config, scan), scan.problems());
    }, false);
  }
}
