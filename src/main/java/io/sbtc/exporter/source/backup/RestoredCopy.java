package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.source.postgres.SignerDbQueries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Checks that a restored copy is a signer database someone could run a signer on again. */
final class RestoredCopy {
  /**
   * The tables without which a restored signer is not the same signer: its chain view, its DKG
   * shares, and the migration record (without it the signer would re-run every migration on the
   * restored schema and fail).
   */
  static final List<String> KEY_TABLES = List.of(
      "sbtc_signer.bitcoin_blocks", "sbtc_signer.stacks_blocks", "sbtc_signer.dkg_shares", "public.__sbtc_migrations");

  private RestoredCopy() {}

  /** @return the latest verified DKG aggregate key in the copy, if it has one */
  static Optional<byte[]> check(Connection c, Duration timeout) throws SQLException, VerifyFailure {
    int seconds = (int) Math.max(1, timeout.toSeconds());
    if (!bool(c, seconds, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'sbtc_signer')", null)) {
      throw new VerifyFailure(FailureReason.SCHEMA_MISSING, "the restored copy has no sbtc_signer schema: is this a dump of the signer's database?");
    }
    for (String table : KEY_TABLES) {
      if (!bool(c, seconds, "SELECT to_regclass(?) IS NOT NULL", table)) {
        throw new VerifyFailure(FailureReason.TABLE_MISSING, "the restored copy has no table " + table);
      }
      // KEY_TABLES are constants, so the name can be part of the statement.
      if (!bool(c, seconds, "SELECT EXISTS (SELECT 1 FROM " + table + ")", null)) {
        throw new VerifyFailure(FailureReason.TABLE_EMPTY, "table " + table + " of the restored copy is empty");
      }
    }
    return latestVerifiedKey(c, seconds);
  }

  static Optional<byte[]> latestVerifiedKey(Connection c, int timeoutSeconds) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(SignerDbQueries.LATEST_VERIFIED_AGGREGATE_KEY)) {
      st.setQueryTimeout(timeoutSeconds);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
      }
    }
  }

  private static boolean bool(Connection c, int timeoutSeconds, String sql, String param) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setQueryTimeout(timeoutSeconds);
      if (param != null) {
        st.setString(1, param);
      }
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
