package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.core.SourceException;
import java.util.Optional;

/**
 * Why one verification failed. {@code infrastructure} is set when the cause is not the backup but
 * something the verifier needs (scratch server, live database): that also counts in the source's
 * {@code sbtc_exporter_source_errors_total}.
 */
final class VerifyFailure extends Exception {
  private final FailureReason reason;
  private final transient SourceException infrastructure;

  VerifyFailure(FailureReason reason, String message) {
    this(reason, message, null);
  }

  VerifyFailure(FailureReason reason, String message, SourceException infrastructure) {
    super(message, null, false, false);
    this.reason = reason;
    this.infrastructure = infrastructure;
  }

  FailureReason reason() {
    return reason;
  }

  Optional<SourceException> infrastructure() {
    return Optional.ofNullable(infrastructure);
  }
}
