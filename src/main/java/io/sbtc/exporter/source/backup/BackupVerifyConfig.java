package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.common.Durations;
import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.config.PgUrl;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code verify:} part of a backup: restore the newest backup into a temporary database on a
 * scratch server and check what came back.
 *
 * @param scratchUrl the scratch server and the database to connect to for CREATE/DROP DATABASE
 *     (usually {@code postgres}); restores go into a new, uniquely named database, never into this one
 * @param pgRestore the pg_restore program (a path, or a name looked up on PATH)
 * @param psql the psql program, for plain SQL dumps
 * @param settleTime how long a backup's size and modification time must stay unchanged before it
 *     counts as completely written
 */
public record BackupVerifyConfig(
    PgUrl scratchUrl,
    Optional<Secret> password,
    Schedule schedule,
    String pgRestore,
    String psql,
    Duration settleTime) {

  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofHours(24), Duration.ofMinutes(30));
  public static final Duration DEFAULT_SETTLE_TIME = Duration.ofSeconds(5);

  static BackupVerifyConfig read(ConfigNode node, Optional<SignerDbConfig> signerDb) {
    PgUrl scratch = PgUrl.parse(node, "scratch_url");
    if (signerDb.isPresent() && scratch.sameDatabaseAs(signerDb.get().url())) {
      throw node.error("scratch_url", "must not be the signer's own database (" + signerDb.get().url().where()
          + "); restore verification needs a scratch server of its own");
    }
    Optional<Secret> password = node.secret("password");
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    String pgRestore = program(node, "pg_restore");
    String psql = program(node, "psql");
    Duration settle = node.duration("settle_time", DEFAULT_SETTLE_TIME);
    if (settle.compareTo(schedule.timeout()) >= 0) {
      throw node.error("settle_time", "must be shorter than timeout " + Durations.format(schedule.timeout())
          + " (got \"" + Durations.format(settle) + "\")");
    }
    node.rejectUnknownKeys();
    return new BackupVerifyConfig(scratch, password, schedule, pgRestore, psql, settle);
  }

  /**
   * A program is started without a shell, with its arguments as a list, so a value with options in
   * it would not do what it says: only a path or a bare name is accepted. Existence is checked when
   * a verification runs (and reported as tool_missing), so a config can be checked on another host.
   */
  private static String program(ConfigNode node, String key) {
    String value = node.string(key, key);
    boolean bareNameWithSpaces = !value.contains("/") && value.chars().anyMatch(Character::isWhitespace);
    if (value.isBlank() || value.startsWith("-") || bareNameWithSpaces || value.contains("\n")) {
      throw node.error(key, "must be a program path like /usr/bin/" + key + ", without arguments (got \"" + value + "\")");
    }
    return value;
  }
}
