package io.sbtc.exporter.source.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * psql's restricted mode (CVE-2025-8714): after {@code \restrict <key>} psql refuses every
 * meta-command ({@code \!}, {@code \o |cmd}, backticks, {@code \copy ... program}, {@code \connect},
 * ...) wherever it stands in a line, until {@code &#92;unrestrict <key>}. The exporter enters it with a
 * random key before the first byte of a backup, so a backup cannot leave it: it cannot know the key,
 * which exists only in this process and in psql's memory (it travels on psql's stdin, not in the
 * arguments or environment). This is psql's own lexer deciding what a meta-command is, not ours.
 *
 * <p>Restricted mode came with PostgreSQL 13.22, 14.19, 15.14, 16.10, 17.6 and 18 (release notes of
 * 2025-08-14). An older psql answers {@code \restrict} with "invalid command", which under
 * ON_ERROR_STOP ends it before it reads the backup; the version is checked first anyway, so the
 * operator reads why instead of a psql error.
 */
final class PsqlRestrictedMode {
  /** The first minor release of each supported-at-the-time major that has {@code \restrict}. */
  private static final Map<Integer, Integer> FIRST_MINOR = Map.of(13, 22, 14, 19, 15, 14, 16, 10, 17, 6);
  private static final int FIRST_MAJOR_WITH_IT = 18;
  static final String NEEDED = "psql 13.22, 14.19, 15.14, 16.10, 17.6, 18 or later";
  /** {@code psql (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)}, {@code psql (PostgreSQL) 18beta2}, {@code ... 9.6.24}. */
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?(\\S*)");
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  private PsqlRestrictedMode() {}

  /** A key psql accepts (alphanumeric only) that no backup can guess: 256 random bits. */
  static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The line that puts psql into restricted mode. */
  static byte[] enter(String key) {
    return ("\\restrict " + key + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * @throws VerifyFailure {@code tool_too_old} when {@code psql} has no restricted mode or its
   *     version cannot be read; {@code tool_missing} when it cannot be run
   */
  static void requireSupport(String psql, Deadline deadline) throws VerifyFailure {
    String output = versionOutput(psql, deadline);
    Optional<String> refusal = refusal(output);
    if (refusal.isPresent()) {
      throw new VerifyFailure(FailureReason.TOOL_TOO_OLD, psql + " " + refusal.get());
    }
  }

  /** Why a psql that printed {@code versionOutput} must not be fed a backup; empty when it may. */
  static Optional<String> refusal(String versionOutput) {
    Matcher m = VERSION.matcher(versionOutput);
    if (!m.find()) {
      String shown = versionOutput.strip().lines().findFirst().orElse("");
      return Optional.of("does not say which PostgreSQL version it is (--version printed \""
          + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown) + "\"); plain SQL backups are restored only with " + NEEDED);
    }
    int major = Integer.parseInt(m.group(1));
    int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
    String suffix = m.group(3);
    boolean supported;
    if (major > FIRST_MAJOR_WITH_IT) {
      supported = true;
    } else if (major == FIRST_MAJOR_WITH_IT) {
      // 18beta1 and 18beta2 came out before the fix; 18beta3 came out with it.
      supported = !List.of("beta1", "beta2").contains(suffix);
    } else {
      supported = FIRST_MINOR.containsKey(major) && minor >= FIRST_MINOR.get(major);
    }
    if (supported) {
      return Optional.empty();
    }
    String version = m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)) + suffix;
    return Optional.of("is PostgreSQL " + version + ", which cannot lock out psql commands (\\restrict); plain SQL backups are"
        + " restored only with " + NEEDED);
  }

  private static String versionOutput(String psql, Deadline deadline) throws VerifyFailure {
    Process p;
    try {
      p = new ProcessBuilder(psql, "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      throw new VerifyFailure(FailureReason.TOOL_MISSING, "cannot run " + psql + " (" + e.getMessage() + ")");
    }
    try {
      // --version prints one short line, far less than a pipe holds: waiting first cannot block psql.
      if (!p.waitFor(deadline.remainingAtMost(VERSION_TIMEOUT).toNanos(), TimeUnit.NANOSECONDS)) {
        throw new VerifyFailure(FailureReason.TOOL_MISSING, psql + " --version did not answer within " + VERSION_TIMEOUT.toSeconds() + "s");
      }
      try (InputStream in = p.getInputStream()) {
        return new String(in.readNBytes(1024), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new VerifyFailure(FailureReason.TOOL_MISSING, "cannot run " + psql + " --version (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VerifyFailure(FailureReason.TIMEOUT, "interrupted while asking " + psql + " for its version");
    } finally {
      p.destroyForcibly();
    }
  }
}
