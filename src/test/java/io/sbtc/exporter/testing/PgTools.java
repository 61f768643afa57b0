package io.sbtc.exporter.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL client programs (pg_dump, pg_restore, psql) some tests run. Missing on a
 * developer's machine, those tests are skipped; missing in CI ({@code CI=true}) they fail, so a CI
 * image without them cannot pass silently.
 */
public final class PgTools {
  private PgTools() {}

  public static Optional<Path> find(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static boolean available(String... programs) {
    for (String p : programs) {
      if (find(p).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** The program's path; fails the test in CI when it is missing, skips it elsewhere. */
  public static Path require(String program) {
    Optional<Path> found = find(program);
    if (found.isEmpty()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new AssertionError(program + " is not on PATH, and CI=true: install the PostgreSQL client programs");
      }
      Assumptions.abort(program + " is not on PATH; install the PostgreSQL client programs to run this test");
    }
    return found.get();
  }

  public static void requireAll(String... programs) {
    for (String p : programs) {
      require(p);
    }
  }
}
