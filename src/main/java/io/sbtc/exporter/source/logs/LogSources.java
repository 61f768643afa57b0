package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSpec;
import java.util.List;

/** The source of one {@code logs:} entry: its files, or its journal. */
public final class LogSources {
  private LogSources() {}

  public static List<SourceSpec> specs(LogConfig config, SourceContext context) {
    return List.of(new SourceSpec(config.sourceName(), config.schedule(), config, () -> Source.onWorker(context.vertx(),
        config instanceof LogConfig.Files files ? new LogFilesSource(files) : new JournaldSource((LogConfig.Journald) config))));
  }
}
