package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.config.LogConfig;
import io.sbtc.exporter.config.Schedule;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** {@code logs:<component>} for a systemd unit that logs to the journal: its oldest and newest entry. */
public final class JournaldSource implements Source {
  private final Vertx vertx;
  private final LogConfig config;
  private final Journalctl journalctl;

  public JournaldSource(Vertx vertx, LogConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.journalctl = new Journalctl(config.journalctl().orElse(LogConfig.DEFAULT_JOURNALCTL), config.unit().orElseThrow());
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
    // Running a process and waiting for it blocks: never on the event loop.
    return vertx.executeBlocking(() -> {
      Journalctl.Span span = journalctl.span(timeout());
      return SourceSnapshot.of(LogMetrics.journal(config, span.oldest(), span.newest()));
    }, false);
  }
}
