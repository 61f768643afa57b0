package io.sbtc.exporter.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;

/**
 * A program from outside the JVM (promtool, prometheus, alertmanager) found on the PATH. Missing,
 * it fails the test under {@code CI=true} and skips it elsewhere, so CI cannot pass by skipping.
 */
public final class ExternalTool {
  private ExternalTool() {}

  /** The result of one run: exit code and stdout+stderr interleaved. */
  public record Result(int exitCode, String output) {}

  /** The first of {@code names} on the PATH (Debian calls alertmanager prometheus-alertmanager). */
  public static Path require(String... names) {
    Optional<Path> found = find(names);
    if (found.isPresent()) {
      return found.get();
    }
    String message = String.join(" or ", names) + " is not on the PATH (.ci/run installs what the tests need)";
    if ("true".equals(System.getenv("CI"))) {
      fail(message + "; CI=true, so this test must not be skipped");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  public static Optional<Path> find(String... names) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : names) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** Runs to completion in the project directory, killing the process after {@code timeout}. */
  public static Result run(List<String> command, Duration timeout) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      // Read on another thread so a chatty process cannot block on a full pipe while we wait.
      CompletableFuture<String> out = new CompletableFuture<>();
      Thread reader = new Thread(() -> {
        try {
          out.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          out.completeExceptionally(e);
        }
      });
      reader.setDaemon(true);
      reader.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        fail(String.join(" ", command) + " did not finish within " + timeout);
      }
      return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
