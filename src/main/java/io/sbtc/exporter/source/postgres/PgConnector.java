package io.sbtc.exporter.source.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sbtc.exporter.config.PgUrl;
import io.sbtc.exporter.common.Secret;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * Opens JDBC connections the way every part of the exporter needs them: bounded in time, named in
 * {@code pg_stat_activity}, and, for the signer's database, read-only at the server.
 */
public final class PgConnector {
  public static final String APPLICATION_NAME = "sbtc-signer-exporter";

  private PgConnector() {}

  /**
   * Read-only is set with {@code default_transaction_read_only} in the startup packet rather than
   * {@code Connection.setReadOnly}: the server then refuses writes in every transaction of the
   * session, autocommit included, whatever the driver does.
   */
  static Properties properties(PgUrl url, Optional<Secret> password, Duration statementTimeout, boolean readOnly) {
    Properties p = new Properties();
    p.setProperty("user", url.user());
    password.ifPresent(s -> p.setProperty("password", s.reveal()));
    p.setProperty("ApplicationName", APPLICATION_NAME);
    String seconds = Long.toString(Math.max(1, (statementTimeout.toMillis() + 999) / 1000));
    p.setProperty("connectTimeout", seconds);
    p.setProperty("loginTimeout", seconds);
    p.setProperty("socketTimeout", Long.toString(Long.parseLong(seconds) + 5));
    p.setProperty("tcpKeepAlive", "true");
    String options = "-c statement_timeout=" + Math.max(1, statementTimeout.toMillis());
    if (readOnly) {
      // A fifth of the statement timeout for a lock: during a long migration several queries read the
      // locked table, and each may wait only that long, so the rest of the poll still fits.
      options += " -c default_transaction_read_only=on -c lock_timeout=" + Math.max(1, statementTimeout.toMillis() / 5);
    }
    p.setProperty("options", options);
    url.param("sslmode").ifPresent(v -> p.setProperty("sslmode", v));
    url.param("sslrootcert").ifPresent(v -> p.setProperty("sslrootcert", v));
    return p;
  }

  /** One connection, for work done once in a while (restore checks); blocks, so call it on a worker. */
  public static Connection open(PgUrl url, Optional<Secret> password, Duration statementTimeout, boolean readOnly) throws SQLException {
    return open(url, url.database(), password, statementTimeout, readOnly);
  }

  /** The same server as {@code url}, another database on it. */
  public static Connection open(PgUrl url, String database, Optional<Secret> password, Duration statementTimeout, boolean readOnly)
      throws SQLException {
    PgUrl target = new PgUrl(url.host(), url.port(), database, url.user(), url.params());
    Connection c = new org.postgresql.Driver().connect(target.jdbcUrl(), properties(target, password, statementTimeout, readOnly));
    if (c == null) {
      throw new SQLException("the PostgreSQL driver did not accept " + target.where());
    }
    return c;
  }

  /**
   * A small read-only pool. It connects lazily, so an exporter whose database is down still
   * starts, and it gives up on a connection before {@code timeout} so the poll can report why
   * (refused, authentication) instead of a bare timeout. One statement may take half the poll's
   * time: a query stuck behind a lock fails alone, and the others still fit in the poll.
   */
  public static HikariDataSource pool(String name, PgUrl url, Optional<Secret> password, Duration timeout) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setDriverClassName("org.postgresql.Driver");
    c.setJdbcUrl(url.jdbcUrl());
    c.setDataSourceProperties(properties(url, password, timeout.dividedBy(2), true));
    c.setMaximumPoolSize(2);
    c.setMinimumIdle(0);
    c.setReadOnly(true);
    c.setAutoCommit(true);
    long connectMs = Math.max(250, timeout.toMillis() * 4 / 5);
    c.setConnectionTimeout(connectMs);
    c.setValidationTimeout(Math.max(250, Math.min(connectMs, 5000)));
    c.setInitializationFailTimeout(-1);
    c.setRegisterMbeans(false);
    return new HikariDataSource(c);
  }
}
