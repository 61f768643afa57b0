package io.sbtc.exporter.core;

import java.time.Duration;
import java.util.Optional;

/** One source as a single scrape sees it. */
public record SourceView(String name, Duration interval, SourceState state, Optional<SourceSnapshot> fresh) {
  public boolean up() {
    return state.lastPollOk() && fresh.isPresent();
  }
}
