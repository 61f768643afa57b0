package io.sbtc.exporter.source.backup;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
   * @param psql what {@code psql --version} answered
   * @throws VerifyFailure {@code tool_too_old} when {@code psql} has no restricted mode or its
   *     version cannot be read
   */
  static void requireSupport(String psql, ToolVersion.Answer answer) throws VerifyFailure {
    Optional<String> refusal = refusal(answer);
    if (refusal.isPresent()) {
      throw new VerifyFailure(FailureReason.TOOL_TOO_OLD, psql + " " + refusal.get());
    }
  }

  /** Why a psql that printed {@code versionOutput} must not be fed a backup; empty when it may. */
  static Optional<String> refusal(String versionOutput) {
    String first = versionOutput.strip().lines().findFirst().orElse("");
    return refusal(new ToolVersion.Answer(first.length() > 80 ? first.substring(0, 80) + "..." : first, PgVersion.ofToolOutput(versionOutput)));
  }

  static Optional<String> refusal(ToolVersion.Answer answer) {
    if (answer.version().isEmpty()) {
      return Optional.of("does not say which PostgreSQL version it is (--version printed \""
          + answer.output() + "\"); plain SQL backups are restored only with " + NEEDED);
    }
    PgVersion v = answer.version().get();
    boolean supported;
    if (v.major() > FIRST_MAJOR_WITH_IT) {
      supported = true;
    } else if (v.major() == FIRST_MAJOR_WITH_IT) {
      // 18beta1 and 18beta2 came out before the fix; 18beta3 came out with it.
      supported = !List.of("beta1", "beta2").contains(v.suffix());
    } else {
      supported = FIRST_MINOR.containsKey(v.major()) && v.minor() >= FIRST_MINOR.get(v.major());
    }
    if (supported) {
      return Optional.empty();
    }
    return Optional.of("is PostgreSQL " + v + ", which cannot lock out psql commands (\\restrict); plain SQL backups are"
        + " restored only with " + NEEDED);
  }
}
