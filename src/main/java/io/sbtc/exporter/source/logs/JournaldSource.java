package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;

/** {@code logs:<component>} for a systemd unit that logs to the journal: its oldest and newest entry. */
public final class JournaldSource implements Source.Blocking {
  private final LogConfig.Journald config;
  private final Journalctl journalctl;

  public JournaldSource(LogConfig.Journald config) {
    this.config = config;
    this.journalctl = new Journalctl(config.journalctl(), config.unit());
  }

  /** Runs a process and waits for it: blocking, on a worker. */
  @Override
  public SourceSnapshot poll(Poll poll) {
    Journalctl.Span span = journalctl.span(poll.deadline());
    return SourceSnapshot.of(LogMetrics.journal(config, span.oldest(), span.newest()));
  }
}
