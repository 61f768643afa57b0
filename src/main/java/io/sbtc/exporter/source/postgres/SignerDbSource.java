package io.sbtc.exporter.source.postgres;

import static io.sbtc.exporter.source.postgres.SignerDbQueries.*;

import com.zaxxer.hikari.HikariDataSource;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.source.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code signer_db}: what the signer has stored (chain heights, DKG shares, migrations) and whether
 * the server archives its WAL. Read-only at the server, on a worker thread; each query fails on
 * its own, so a missing table costs one family, not the poll.
 */
public final class SignerDbSource implements Source {
  public static final String NAME = "signer_db";
  /** Read by the verified-key check, without the {@code _info} suffix as {@link Metrics#info} takes it. */
  public static final String VERIFIED_KEY = "sbtc_signer_dkg_verified_aggregate_key";
  /** The info family with the server's version in label {@link #POSTGRES_SERVER_VERSION}, read by the version check. */
  public static final String POSTGRES_INFO = "sbtc_postgres";
  public static final String POSTGRES_SERVER_VERSION = "server_version";

  private final Vertx vertx;
  private final SignerDbConfig config;
  private final HikariDataSource pool;
  private final String where;

  public SignerDbSource(Vertx vertx, SignerDbConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.pool = PgConnector.pool("sbtc-signer-db", config.url(), config.password(), config.schedule().timeout());
    this.where = config.url().where();
  }

  public static List<SourceSpec> specs(SignerDbConfig config, SourceContext context) {
    return List.of(new SourceSpec(NAME, config.schedule(), config, () -> new SignerDbSource(context.vertx(), config)));
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    return vertx.executeBlocking(() -> read(poll), false);
  }

  private SourceSnapshot read(Poll poll) {
    try (Connection c = pool.getConnection()) {
      Reader r = new Reader(c, poll);
      Metrics m = new Metrics();
      r.query("server_version", SERVER_VERSION, rs -> m.info(POSTGRES_INFO,
          "Always 1; the version of the PostgreSQL server that holds the signer's database.",
          Labels.of(POSTGRES_SERVER_VERSION, rs.getString(1))));
      r.query("migrations", MIGRATIONS, rs -> m.gauge("sbtc_signer_db_migrations",
          "Migrations the signer has applied to its database (rows of public.__sbtc_migrations).", rs.getLong(1)));
      Boolean canonical = r.value("has_is_canonical", HAS_IS_CANONICAL, rs -> rs.getBoolean(1));
      if (canonical != null) {
        r.query("bitcoin_block_height", canonical ? BITCOIN_HEIGHT_CANONICAL : BITCOIN_HEIGHT, rs -> height(m, rs,
            "sbtc_signer_db_bitcoin_block_height",
            "Height of the highest Bitcoin block the signer stored as canonical (the highest stored block before migration 0022)."));
      }
      r.query("stacks_block_height", STACKS_HEIGHT, rs -> height(m, rs, "sbtc_signer_db_stacks_block_height",
          "Height of the highest Stacks block the signer stored, anchored to its recent Bitcoin blocks."));
      r.all("dkg_shares", DKG_SHARES_BY_STATUS, rs -> m.add(dkgShares(rs)));
      r.query("dkg_latest_verified", DKG_LATEST_VERIFIED_TIME, rs -> m.gauge("sbtc_signer_dkg_latest_verified_timestamp_seconds",
          "Unix time when the signer stored its latest DKG shares that are now verified; absent when none is verified.",
          rs.getDouble(1)));
      r.query("dkg_latest", DKG_LATEST_SHARES, rs -> latestShares(m, rs));
      r.query("dkg_verified_key", LATEST_VERIFIED_AGGREGATE_KEY, rs -> m.info(VERIFIED_KEY,
          "Always 1; the aggregate key of the signer's newest verified DKG shares, the key it signs with, in a label"
              + " (lower-case hex of the compressed public key); absent when none is verified.",
          Labels.of("aggregate_key", HexFormat.of().formatHex(rs.getBytes(1)))));
      r.query("wal_archiver", ARCHIVER, rs -> archiver(m, rs));
      PegMetrics.read(r, m, config.signerPublicKeyBytes());
      return poll.snapshot(m.build());
    } catch (SQLException e) {
      throw SqlErrors.classify(e, where, "connect");
    }
  }

  private static void height(Metrics m, ResultSet rs, String name, String help) throws SQLException {
    long h = rs.getLong(1);
    if (!rs.wasNull()) {
      m.gauge(name, help, h);
    }
  }

  private static GaugeSnapshot dkgShares(ResultSet rs) throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    DKG_STATUSES.forEach(s -> counts.put(s, 0L));
    while (rs.next()) {
      counts.put(rs.getString(1), rs.getLong(2));
    }
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("sbtc_signer_dkg_shares")
        .help("DKG shares the signer has stored, by status (unverified, verified, failed); every status is present, 0 when it has none.");
    counts.forEach((status, n) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
        .labels(Labels.of("status", status)).value(n).build()));
    return b.build();
  }

  private static void latestShares(Metrics m, ResultSet rs) throws SQLException {
    String latest = rs.getString(1);
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name("sbtc_signer_dkg_latest_shares_status")
        .help("1 for the status of the signer's newest DKG shares (unverified, verified, failed), 0 for the others; absent before the first DKG round.");
    DKG_STATUSES.forEach(status -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
        .labels(Labels.of("status", status)).value(status.equals(latest) ? 1 : 0).build()));
    m.add(b.build());
    m.gauge("sbtc_signer_dkg_latest_shares_created_timestamp_seconds",
        "Unix time when the signer stored its newest DKG shares, whatever their status; absent before the first DKG round.",
        rs.getDouble(2));
  }

  private static void archiver(Metrics m, ResultSet rs) throws SQLException {
    if ("off".equals(rs.getString(1))) {
      return;
    }
    m.add(CounterSnapshot.builder().name("sbtc_postgres_wal_archive_failures_total")
        .help("Failed attempts to archive a WAL file (pg_stat_archiver.failed_count); present only when archive_mode is on.")
        .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(rs.getLong(2)).build())
        .build());
    m.gauge("sbtc_postgres_archive_timeout_seconds",
        "The server's archive_timeout: the longest it waits before archiving a partly filled WAL segment; 0 when off, so a quiet"
            + " database archives nothing for hours. Present only when archive_mode is on.",
        rs.getDouble(4));
    double last = rs.getDouble(3);
    if (!rs.wasNull()) {
      m.gauge("sbtc_postgres_wal_last_archived_timestamp_seconds",
          "Unix time when the server last archived a WAL file successfully; absent when archive_mode is off or nothing was archived yet.",
          last);
    }
  }

  /** Runs each query as a part of the poll: a failure costs its own families and the others still count. */
  final class Reader {
    private final Connection connection;
    private final Poll poll;

    Reader(Connection connection, Poll poll) {
      this.connection = connection;
      this.poll = poll;
    }

    interface Row {
      void read(ResultSet rs) throws SQLException;
    }

    interface Value<T> {
      T read(ResultSet rs) throws SQLException;
    }

    /** Calls {@code row} with the first row, if there is one. */
    void query(String what, String sql, Row row) {
      query(what, sql, List.of(), row);
    }

    /** The same with parameters; a null byte[] binds as NULL. */
    void query(String what, String sql, List<byte[]> params, Row row) {
      run(what, sql, params, rs -> {
        if (rs.next()) {
          row.read(rs);
        }
        return Boolean.TRUE;
      });
    }

    /** The first row's value, or null when there is no row or the query failed. */
    <T> T value(String what, String sql, Value<T> value) {
      return run(what, sql, List.of(), rs -> rs.next() ? value.read(rs) : null);
    }

    /** Calls {@code rows} with the result set before its first row. */
    void all(String what, String sql, Row rows) {
      run(what, sql, List.of(), rs -> {
        rows.read(rs);
        return Boolean.TRUE;
      });
    }

    private <T> T run(String what, String sql, List<byte[]> params, Value<T> value) {
      Deadline deadline = poll.deadline();
      if (deadline.passed()) {
        poll.failed(what, new SourceException(ErrorReason.TIMEOUT, "query " + what + " on " + where + " skipped: the poll ran out of time"));
        return null;
      }
      try (PreparedStatement st = connection.prepareStatement(sql)) {
        st.setQueryTimeout(deadline.seconds());
        for (int i = 0; i < params.size(); i++) {
          st.setBytes(i + 1, params.get(i));
        }
        try (ResultSet rs = st.executeQuery()) {
          T result = value.read(rs);
          poll.answered(what);
          return result;
        }
      } catch (SQLException e) {
        poll.failed(what, SqlErrors.classify(e, where, "query " + what));
        return null;
      }
    }
  }

  @Override
  public Future<Void> close() {
    return vertx.executeBlocking(() -> {
      pool.close();
      return null;
    }, false);
  }
}
