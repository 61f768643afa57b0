package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.core.Deadline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Asks pg_restore or psql for its version ({@code --version}), before it is given a backup. */
final class ToolVersion {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * @param output the first line of what the program printed, for messages
   * @param version empty when the output names no PostgreSQL version
   */
  record Answer(String output, Optional<PgVersion> version) {}

  private ToolVersion() {}

  /** @throws VerifyFailure {@code tool_missing} when the program cannot be run or does not answer */
  static Answer of(String program, Deadline deadline) throws VerifyFailure {
    Process p;
    try {
      p = new ProcessBuilder(program, "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new VerifyFailure(FailureReason.TOOL_MISSING, "cannot run " + program + " (" + e.getMessage() + ")");
    }
    try {
      // --version prints one short line, far less than a pipe holds: waiting first cannot block the program.
      if (!p.waitFor(deadline.forStep(TIMEOUT).toNanos(), TimeUnit.NANOSECONDS)) {
        if (deadline.passed()) {
          throw new VerifyFailure(FailureReason.TIMEOUT, program + " --version did not answer within the verify timeout");
        }
        throw new VerifyFailure(FailureReason.TOOL_MISSING, program + " --version did not answer within " + TIMEOUT.toSeconds() + "s");
      }
      String output;
      try (InputStream in = p.getInputStream()) {
        output = new String(in.readNBytes(1024), StandardCharsets.UTF_8);
      }
      String first = output.strip().lines().findFirst().orElse("");
      return new Answer(first.length() > 80 ? first.substring(0, 80) + "..." : first, PgVersion.ofToolOutput(output));
    } catch (IOException e) {
      throw new VerifyFailure(FailureReason.TOOL_MISSING, "cannot run " + program + " --version (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VerifyFailure(FailureReason.TIMEOUT, "interrupted while asking " + program + " for its version");
    } finally {
      p.destroyForcibly();
    }
  }
}
