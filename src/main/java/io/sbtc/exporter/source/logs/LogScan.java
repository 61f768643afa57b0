package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.core.SourceException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What one look at a component's log files found. */
record LogScan(
    int files,
    long bytes,
    Optional<Instant> oldestEntry,
    Optional<Instant> lastWrite,
    int unparsedFiles,
    List<SourceException> problems) {

  LogScan {
    problems = List.copyOf(problems);
  }
}
