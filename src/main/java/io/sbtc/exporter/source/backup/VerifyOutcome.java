package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.core.SourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The result of one verification run.
 *
 * @param failure why it failed; empty when the backup restored and passed every check
 * @param message what happened, for the log
 * @param infrastructure errors of the scratch server or the live database, also on success (a
 *     temporary database that could not be dropped)
 * @param versions the versions of the dump, the restore tool and the scratch server, as far as the run got
 */
public record VerifyOutcome(
    Instant finishedAt, Duration took, Optional<FailureReason> failure, String message, List<SourceException> infrastructure,
    RestoreVersions versions) {

  public VerifyOutcome {
    infrastructure = List.copyOf(infrastructure);
  }

  public boolean success() {
    return failure.isEmpty();
  }
}
