package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of the {@code backups:} list: a directory of dumps whose newest file must be recent and
 * large enough, optionally proven to restore ({@code verify}).
 *
 * @param pattern a glob matched against file names in {@code path} (not recursive)
 * @param maxAge exported as is, so alert rules compare against it instead of a hard-coded age
 * @param minSize exported as is, for the same reason
 */
public record BackupConfig(
    String name,
    Path path,
    String pattern,
    Duration maxAge,
    long minSize,
    Schedule schedule,
    Optional<BackupVerifyConfig> verify) {

  public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(26);
  public static final long DEFAULT_MIN_SIZE = 1;
  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(60), Duration.ofSeconds(10));
  /** Label values and scratch database names are built from it: keep it short and plain. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}");

  /** The whole {@code backups:} list; names must be unique because they name the sources. */
  public static List<BackupConfig> readAll(List<ConfigNode> entries, Optional<SignerDbConfig> signerDb) {
    List<BackupConfig> backups = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ConfigNode node : entries) {
      node.readEntry(() -> {
        BackupConfig b = read(node, signerDb);
        if (!names.add(b.name())) {
          throw node.error("name", "duplicate backup name \"" + b.name() + "\"");
        }
        return b;
      }).ifPresent(backups::add);
    }
    return List.copyOf(backups);
  }

  static BackupConfig read(ConfigNode node, Optional<SignerDbConfig> signerDb) {
    String name = node.requiredString("name");
    if (!NAME.matcher(name).matches()) {
      throw node.error("name", "must be 1-40 letters, digits, '_', '.' or '-' (got \"" + name + "\")");
    }
    Path path = node.path("path").orElseThrow(() -> node.error("path", "is required"));
    String pattern = node.string("pattern", "*");
    if (pattern.isBlank() || pattern.contains("/")) {
      throw node.error("pattern", "must be a glob for file names in path, like \"signer-*.dump\" (got \"" + pattern + "\")");
    }
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    } catch (IllegalArgumentException e) {
      throw node.error("pattern", "is not a valid glob (got \"" + pattern + "\")");
    }
    Duration maxAge = node.duration("max_age", DEFAULT_MAX_AGE);
    long minSize = node.bytes("min_size", DEFAULT_MIN_SIZE);
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    Optional<BackupVerifyConfig> verify = node.object("verify").map(v -> BackupVerifyConfig.read(v, signerDb));
    node.rejectUnknownKeys();
    return new BackupConfig(name, path, pattern, maxAge, minSize, schedule, verify);
  }
}
