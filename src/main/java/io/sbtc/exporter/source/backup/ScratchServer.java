package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.postgres.PgConnector;
import io.sbtc.exporter.source.postgres.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The scratch server: creates the temporary database a backup is restored into and drops it again.
 * Every database it creates is named {@code sbtc_verify_<backup>_<hash>_<time>_<random>}, and it
 * only ever drops databases with its own backup's prefix: leftovers of a run that was killed are
 * removed by the next run.
 */
final class ScratchServer {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
  /** Enough for CREATE/DROP DATABASE; the restore itself is bounded by the verify timeout. */
  private static final Duration DDL_TIMEOUT = Duration.ofMinutes(2);

  static final String SCRATCH_USER_POWERS = """
      SELECT r.rolsuper, r.rolcreaterole,
             (SELECT pg_catalog.string_agg(p.rolname, ', ' ORDER BY p.rolname) FROM pg_catalog.pg_roles p
               WHERE p.rolname IN ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files')
                 AND pg_catalog.pg_has_role(r.oid, p.oid, 'MEMBER')) AS roles
      FROM pg_catalog.pg_roles r WHERE r.rolname = current_user""";

  private final BackupVerifyConfig config;
  private final String prefix;
  private final Pattern ours;
  private final String where;

  ScratchServer(BackupVerifyConfig config, String backupName) {
    this.config = config;
    String slug = backupName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
    slug = slug.length() > 16 ? slug.substring(0, 16) : slug;
    // Two names with the same slug ("signer-db", "signer_db") still get distinct prefixes.
    CRC32 crc = new CRC32();
    crc.update(backupName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    this.prefix = "sbtc_verify_" + slug + "_" + String.format("%04x", crc.getValue() & 0xffff) + "_";
    this.ours = Pattern.compile(Pattern.quote(prefix) + "\\d{14}_[0-9a-f]{8}");
    this.where = config.scratchUrl().where();
  }

  String where() {
    return where;
  }

  /**
   * Removes leftovers of earlier runs, checks that the server is not older than the one the backup
   * was dumped from, then creates a new empty database and returns its name.
   *
   * @param dumpedFrom the version of the server the backup was dumped from, when the backup says
   * @param seen told the scratch server's version ({@code server_version}) as soon as it is known
   */
  String create(Instant now, Deadline deadline, Optional<PgVersion> dumpedFrom, Consumer<String> seen) throws VerifyFailure {
    String name = prefix + STAMP.format(now) + "_" + String.format("%08x", ThreadLocalRandom.current().nextInt());
    try (Connection c = connect(config.scratchUrl().database(), deadline); Statement st = c.createStatement()) {
      Optional<String> power = excessPower(c);
      if (power.isPresent()) {
        throw new VerifyFailure(FailureReason.SCRATCH_TOO_PRIVILEGED, "the scratch user " + config.scratchUrl().user() + " " + power.get()
            + ": a backup's SQL could run programs or read and write files on the scratch server's host;"
            + " give restore verification a user with LOGIN CREATEDB and nothing else (docs/database.md)");
      }
      for (String leftover : leftovers(c)) {
        drop(c, leftover);
      }
      String version = serverVersion(c);
      seen.accept(version);
      int major = c.getMetaData().getDatabaseMajorVersion();
      if (dumpedFrom.isPresent() && dumpedFrom.get().major() > major) {
        throw new VerifyFailure(FailureReason.SCRATCH_TOO_OLD, "the backup is of a PostgreSQL " + dumpedFrom.get().major()
            + " server; the scratch server runs PostgreSQL " + major + ": restore it into a scratch server of at least the signer's version");
      }
      // template0: a restore needs an empty database, whatever was added to template1 on this server.
      st.execute("CREATE DATABASE " + quote(name) + " TEMPLATE template0");
      return name;
    } catch (SQLException e) {
      SourceException cause = SqlErrors.classify(e, where, "create a temporary database");
      throw new VerifyFailure(FailureReason.SCRATCH_UNAVAILABLE, cause.getMessage(), cause);
    }
  }

  /**
   * A backup is SQL written by whoever could write the backup directory, and the restore runs it
   * as this user: COPY ... PROGRAM and server-side file access belong to superusers and three
   * predefined roles, and before PostgreSQL 16 CREATEROLE can grant itself those roles.
   */
  private static Optional<String> excessPower(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(SCRATCH_USER_POWERS)) {
      rs.next();
      if (rs.getBoolean("rolsuper")) {
        return Optional.of("is a superuser");
      }
      String roles = rs.getString("roles");
      if (roles != null) {
        return Optional.of("is a member of " + roles);
      }
      if (rs.getBoolean("rolcreaterole")) {
        return Optional.of("has CREATEROLE, with which it can make itself a member of pg_execute_server_program");
      }
      return Optional.empty();
    }
  }

  private static String serverVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      // "15.18 (Debian 15.18-0+deb12u1)": the version is the first word.
      return rs.getString(1).strip().split("\\s+", 2)[0];
    }
  }

  /** Drops {@code name}; on failure returns the error (the next run removes the leftover). */
  Optional<SourceException> dropQuietly(String name) {
    try (Connection c = connect(config.scratchUrl().database(), Deadline.after(DDL_TIMEOUT))) {
      drop(c, name);
      return Optional.empty();
    } catch (SQLException e) {
      return Optional.of(SqlErrors.classify(e, where, "drop temporary database " + name));
    }
  }

  /** A connection to the temporary database, as the verifier's user, for the checks. */
  Connection connect(String database, Deadline deadline) throws SQLException {
    return PgConnector.open(config.scratchUrl(), database, config.password(), deadline.forStep(DDL_TIMEOUT), false);
  }

  /** Databases this verifier created; a name is only ever dropped when it matches exactly. */
  boolean isOurs(String database) {
    return ours.matcher(database).matches();
  }

  private List<String> leftovers(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE ?")) {
      st.setString(1, prefix.replace("_", "\\_") + "%");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          if (isOurs(rs.getString(1))) {
            names.add(rs.getString(1));
          }
        }
      }
    }
    return names;
  }

  private void drop(Connection c, String name) throws SQLException {
    if (!isOurs(name)) {
      throw new IllegalArgumentException("refusing to drop a database this verifier did not create: " + name);
    }
    try (Statement st = c.createStatement()) {
      if (c.getMetaData().getDatabaseMajorVersion() >= 13) {
        // FORCE ends sessions a killed pg_restore may have left behind.
        st.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
      } else {
        try (PreparedStatement kill = c.prepareStatement(
            "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE datname = ?")) {
          kill.setString(1, name);
          kill.execute();
        }
        st.execute("DROP DATABASE IF EXISTS " + quote(name));
      }
    }
  }

  /** Names are built from [a-z0-9_] only, so quoting is for form; it is kept anyway. */
  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
