package io.sbtc.exporter.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real PostgreSQL server started by a test, on 127.0.0.1 and a free port: the superuser
 * {@code postgres} logs in without a password from loopback, every other user with scram.
 */
public interface PgServer extends AutoCloseable {
  /** What the server is, for test names: "embedded 14.22", "Debian 15.18". */
  String describe();

  int port();

  Connection superuser(String database) throws SQLException;

  @Override
  void close();

  /** Runs SQL as the superuser. */
  default void exec(String database, String sql) {
    try (Connection c = superuser(database); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + describe() + "/" + database + ": " + e.getMessage(), e);
    }
  }

  default String queryString(String database, String sql) {
    try (Connection c = superuser(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + describe() + "/" + database + ": " + e.getMessage(), e);
    }
  }

  default int majorVersion() {
    return Integer.parseInt(queryString("postgres", "SHOW server_version_num")) / 10000;
  }

  /** Every database on the server whose name starts with {@code prefix}. */
  default List<String> databases(String prefix) {
    List<String> names = new ArrayList<>();
    try (Connection c = superuser("postgres"); var st = c.prepareStatement("SELECT datname FROM pg_database WHERE starts_with(datname, ?) ORDER BY 1")) {
      st.setString(1, prefix);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  /** The pg_hba.conf every test server gets: trust for the superuser on loopback, scram for everyone else. */
  String HBA = """
      local all postgres trust
      host all postgres 127.0.0.1/32 trust
      host all postgres ::1/128 trust
      host all all 127.0.0.1/32 scram-sha-256
      host all all ::1/128 scram-sha-256
      """;
}
