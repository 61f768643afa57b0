package io.sbtc.exporter.core;

/**
 * A failed poll, or a failed part of a poll. The message is shown on the landing page and in
 * logs, so it must never contain a secret: name the upstream by its redacted URL only.
 */
public final class SourceException extends RuntimeException {
  private final ErrorReason reason;

  public SourceException(ErrorReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public ErrorReason reason() {
    return reason;
  }
}
