package io.sbtc.exporter.source.postgres;

import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import java.sql.SQLException;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Turns JDBC errors into the exporter's error reasons by SQLSTATE. Messages keep the server's first
 * line (no query text, no connection properties), which names the object or the user, never a
 * password.
 */
public final class SqlErrors {
  /** The signer's schema is not what the query expects: a missing table, column, schema or type. */
  private static final Set<String> SCHEMA_MISMATCH = Set.of("42P01", "42703", "3F000", "42704", "42883");

  private SqlErrors() {}

  /**
   * @param where the redacted server, e.g. {@code postgresql://db:5432/signer}
   * @param what what was being done, e.g. {@code connect} or {@code query bitcoin_block_height}
   */
  public static SourceException classify(Throwable t, String where, String what) {
    SQLException sql = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return new SourceException(ErrorReason.TLS, what + " on " + where + " failed: TLS (" + c.getClass().getSimpleName() + ")");
      }
      // The innermost one: a pool wraps the driver's error and copies its state, but not its message.
      if (c instanceof SQLException s && s.getSQLState() != null) {
        sql = s;
      }
    }
    if (sql == null) {
      if (t instanceof java.sql.SQLTransientConnectionException) {
        return new SourceException(ErrorReason.TIMEOUT, what + " on " + where + ": no connection within the timeout");
      }
      return new SourceException(ErrorReason.OTHER, what + " on " + where + " failed (" + t.getClass().getSimpleName() + ")");
    }
    String state = sql.getSQLState();
    String detail = what + " on " + where + " failed: " + firstLine(sql.getMessage()) + " (SQLSTATE " + state + ")";
    if (state.equals("57014")) {
      return new SourceException(ErrorReason.TIMEOUT, what + " on " + where + " was cancelled by the statement timeout");
    }
    if (state.equals("55P03")) {
      return new SourceException(ErrorReason.TIMEOUT, what + " on " + where + " waited too long for a lock (another session holds the table)");
    }
    if (state.startsWith("28")) {
      return new SourceException(ErrorReason.AUTH, detail);
    }
    if (state.equals("42501")) {
      return new SourceException(ErrorReason.AUTH, detail + "; see docs/database.md for the GRANTs");
    }
    if (state.startsWith("08") || state.equals("3D000") || state.startsWith("57P")) {
      return new SourceException(ErrorReason.CONNECT, detail);
    }
    if (SCHEMA_MISMATCH.contains(state)) {
      return new SourceException(ErrorReason.PARSE, detail);
    }
    return new SourceException(ErrorReason.OTHER, detail);
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.lines().findFirst().orElse("").strip();
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
