package io.sbtc.exporter.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's packaged PostgreSQL server ({@code /usr/lib/postgresql/<major>/bin}, the newest major
 * installed: 15 on Debian 12), started with its own initdb and pg_ctl in a directory of its own.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root: then initdb, pg_ctl and the server run
 * as the {@code postgres} user that Debian's package creates (through runuser), in a directory that
 * user owns. A developer who is not root runs them as themselves.
 */
public final class DebianPgServer implements PgServer {
  private static final Path PACKAGES = Path.of("/usr/lib/postgresql");
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
  private static final String RUN_AS = "postgres";

  private final Path bin;
  private final Path base;
  private final Path data;
  private final int port;
  /** Stops the server should the test JVM end without closing it (a server outlives the JVM otherwise, as another user). */
  private final Thread onExit = new Thread(this::stopAndDelete, "sbtc-debian-pg-stop");

  private DebianPgServer(Path bin, Path base, int port) {
    this.bin = bin;
    this.base = base;
    this.data = base.resolve("data");
    this.port = port;
  }

  /** The bin directory of the newest installed server; fails under CI=true when there is none, skips elsewhere. */
  public static Path requireBinaries() {
    Optional<Path> bin = Optional.empty();
    if (Files.isDirectory(PACKAGES)) {
      try (Stream<Path> majors = Files.list(PACKAGES)) {
        bin = majors.filter(p -> p.getFileName().toString().matches("\\d+"))
            .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
            .map(p -> p.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (bin.isEmpty()) {
      String message = "no PostgreSQL server under " + PACKAGES + " (Debian's postgresql package; .ci/run installs it)";
      if ("true".equals(System.getenv("CI"))) {
        fail(message + "; CI=true, so this test must not be skipped");
      }
      Assumptions.abort(message);
    }
    return bin.get();
  }

  public static DebianPgServer start() {
    Path bin = requireBinaries();
    Path base;
    try {
      // Not a JUnit @TempDir: as root, that is private to root, and the server runs as postgres.
      base = Files.createTempDirectory("sbtc-debian-pg-");
      if (isRoot()) {
        UserPrincipal owner = base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
        Files.setOwner(base, owner);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a directory for the " + RUN_AS + " user (does it exist?)", e);
    }
    DebianPgServer server = new DebianPgServer(bin, base, freePort());
    Runtime.getRuntime().addShutdownHook(server.onExit);
    try {
      server.initAndStart();
      return server;
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  private void initAndStart() {
    run(bin.resolve("initdb").toString(), "--pgdata", data.toString(), "--username", "postgres", "--auth", "trust",
        "--encoding", "UTF8", "--locale", "C", "--no-sync");
    writeAsServerUser(data.resolve("pg_hba.conf"), HBA, false);
    writeAsServerUser(data.resolve("postgresql.conf"), """

        # sbtc-signer-exporter tests: loopback TCP on a free port, no Unix socket, no durability.
        listen_addresses = '127.0.0.1'
        port = %d
        unix_socket_directories = ''
        fsync = off
        synchronous_commit = off
        full_page_writes = off
        max_connections = 40
        shared_buffers = 16MB
        """.formatted(port), true);
    run(bin.resolve("pg_ctl").toString(), "--pgdata", data.toString(), "--log", base.resolve("server.log").toString(),
        "--wait", "--timeout", "60", "start");
  }

  /** Files under the data directory belong to the server's user, or it cannot read them after a restart. */
  private void writeAsServerUser(Path file, String text, boolean append) {
    try {
      if (append) {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      } else {
        Files.writeString(file, text, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void run(String... command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
    }
    full.addAll(List.of(command));
    try {
      Path log = Files.createTempFile("sbtc-debian-pg-cmd-", ".log");
      try {
        Process p = new ProcessBuilder(full).directory(base.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", full) + " did not finish within " + COMMAND_TIMEOUT);
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", full) + " exited with " + p.exitValue() + ": " + Files.readString(log)
              + serverLog());
        }
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String serverLog() {
    Path log = base.resolve("server.log");
    try {
      return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean isRoot() {
    return new UnixSystem().getUid() == 0;
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String describe() {
    return "Debian " + queryString("postgres", "SHOW server_version").split(" ")[0];
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public Connection superuser(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres&connectTimeout=10");
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException alreadyExiting) {
      return; // the hook runs
    }
    stopAndDelete();
  }

  private void stopAndDelete() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        run(bin.resolve("pg_ctl").toString(), "--pgdata", data.toString(), "--mode", "immediate", "--wait", "stop");
      }
    } finally {
      deleteTree(base);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary directory; the machine cleans /tmp
    }
  }
}
