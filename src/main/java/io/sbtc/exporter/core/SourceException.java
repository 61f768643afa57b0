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

  /**
   * Any failure as a {@code SourceException}. Anything else is a bug in a source, and its message may
   * hold anything (a URL with its password, a line of a file): only its type is kept.
   */
  public static SourceException from(Throwable t) {
    if (t instanceof SourceException se) {
      return se;
    }
    return new SourceException(ErrorReason.OTHER, "unexpected " + t.getClass().getSimpleName());
  }
}
