package io.sbtc.exporter.check;

import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.backup.BackupSource;
import io.sbtc.exporter.source.backup.BackupVerifySource;
import io.sbtc.exporter.source.disk.DiskConfig;
import io.sbtc.exporter.source.disk.DiskSource;
import io.sbtc.exporter.source.logs.LogConfig;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.source.postgres.SignerDbSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** Items about the signer's data: backups, their restore test, the database, the logs. */
final class DataChecks {
  /** The practice's "at least 7 days", which is also the default min_retention. */
  static final double PRACTICE_LOG_RETENTION_SECONDS = LogConfig.DEFAULT_MIN_RETENTION.toSeconds();
  static final int PRACTICE_LOG_COMPONENTS = 3;

  /** The defaults of sbtc_threshold:disk_min_free_ratio and disk_min_free_inodes_ratio, which SbtcDiskSpaceLow and SbtcDiskInodesLow use. */
  static final double DISK_MIN_FREE_RATIO = 0.1;
  static final double DISK_MIN_FREE_INODES_RATIO = 0.1;

  private DataChecks() {}

  /** As SbtcDiskSpaceLow and SbtcDiskInodesLow, at their default thresholds: per watched path. */
  static Verdict disk(Readings r) {
    if (r.config().section(DiskConfig.class).isEmpty()) {
      return Verdict.notConfigured("no disk is watched",
          "add a disk: section; it watches the backup and log directories, and paths: adds bitcoind's datadir and PostgreSQL's data directory");
    }
    Optional<String> problem = r.problem(DiskSource.NAME);
    if (problem.isPresent()) {
      // The exporter could not ask (no stat, nothing mounted where configured): that says nothing about space.
      return Verdict.unknown("cannot judge " + problem.get());
    }
    Parts parts = new Parts();
    for (Readings.Sample size : r.samples("sbtc_disk_size_bytes")) {
      String path = size.label("path");
      OptionalDouble available = r.value("sbtc_disk_available_bytes", "path", path);
      if (available.isEmpty() || size.value() <= 0) {
        parts.add(State.UNKNOWN, path + ": no reading");
        continue;
      }
      double free = available.getAsDouble() / size.value();
      String fact = path + ": " + Facts.bytes(available.getAsDouble()) + " free of " + Facts.bytes(size.value())
          + " (" + Math.round(free * 100) + "%)";
      OptionalDouble inodes = r.value("sbtc_disk_inodes", "path", path);
      OptionalDouble inodesFree = r.value("sbtc_disk_inodes_free", "path", path);
      if (free < DISK_MIN_FREE_RATIO) {
        parts.add(State.FAIL, fact + ", minimum " + Math.round(DISK_MIN_FREE_RATIO * 100) + "%");
      } else if (inodes.isPresent() && inodesFree.isPresent() && inodes.getAsDouble() > 0
          && inodesFree.getAsDouble() / inodes.getAsDouble() < DISK_MIN_FREE_INODES_RATIO) {
        parts.add(State.FAIL, path + ": " + Math.round(inodesFree.getAsDouble() / inodes.getAsDouble() * 100) + "% of inodes free, minimum "
            + Math.round(DISK_MIN_FREE_INODES_RATIO * 100) + "%");
      } else {
        parts.add(State.PASS, fact);
      }
    }
    r.partialErrors(DiskSource.NAME).forEach(e -> parts.add(State.UNKNOWN, "cannot judge " + e.getMessage()));
    return parts.isEmpty() ? Verdict.unknown("no disk reading yet") : parts.verdict();
  }

  /** As SbtcBackupTooOld and SbtcBackupTooSmall: against the max_age and min_size each backup exports. */
  static Verdict backupFresh(Readings r) {
    List<BackupConfig> backups = r.config().sections(BackupConfig.class);
    if (backups.isEmpty()) {
      return Verdict.notConfigured("no backup is watched", "add a backups entry for the directory of the signer database's dumps");
    }
    Parts parts = new Parts();
    for (BackupConfig b : backups) {
      String name = b.name();
      Optional<String> problem = r.problem(BackupSource.PREFIX + name);
      if (problem.isPresent()) {
        // No file at all is the worst case of a stale backup; a directory the exporter may not read says nothing.
        parts.add(r.whenDown(BackupSource.PREFIX + name), problem.get());
        continue;
      }
      OptionalDouble last = r.value("sbtc_backup_last_timestamp_seconds", "backup", name);
      OptionalDouble maxAge = r.value("sbtc_backup_max_age_seconds", "backup", name);
      OptionalDouble size = r.value("sbtc_backup_last_size_bytes", "backup", name);
      OptionalDouble minSize = r.value("sbtc_backup_min_size_bytes", "backup", name);
      if (last.isEmpty() || maxAge.isEmpty() || size.isEmpty() || minSize.isEmpty()) {
        parts.add(State.UNKNOWN, name + ": no reading yet");
        continue;
      }
      double age = r.nowSeconds() - last.getAsDouble();
      String ageFact = name + ": newest backup " + Facts.against(age, " old, limit ", maxAge.getAsDouble());
      if (age > maxAge.getAsDouble()) {
        parts.add(State.FAIL, ageFact);
      } else if (size.getAsDouble() < minSize.getAsDouble()) {
        parts.add(State.FAIL, name + ": newest backup " + Facts.bytes(size.getAsDouble()) + ", minimum " + Facts.bytes(minSize.getAsDouble()));
      } else {
        parts.add(State.PASS, ageFact + ", " + Facts.bytes(size.getAsDouble()));
      }
    }
    return parts.verdict();
  }

  /** As SbtcBackupVerifyFailed: the latest restore test of each backup that has one. */
  static Verdict backupRestores(Readings r) {
    List<BackupConfig> backups = r.config().sections(BackupConfig.class);
    if (backups.isEmpty()) {
      return Verdict.notConfigured("no backup is watched", "add a backups entry with verify: (a scratch PostgreSQL server to restore into)");
    }
    if (backups.stream().allMatch(b -> b.verify().isEmpty())) {
      return Verdict.notConfigured("no backup is restored to prove it works",
          "add verify: to the backups entry " + backups.get(0).name() + " (a scratch PostgreSQL server to restore into)");
    }
    Parts parts = new Parts();
    for (BackupConfig b : backups) {
      String name = b.name();
      if (b.verify().isEmpty()) {
        parts.add(State.UNKNOWN, name + ": no restore test (add verify:)");
        continue;
      }
      OptionalDouble success = r.value("sbtc_backup_verify_success", "backup", name);
      if (success.isEmpty()) {
        parts.add(State.UNKNOWN, r.problem(BackupVerifySource.PREFIX + name).orElse(name + ": no restore test has finished yet"));
      } else if (success.getAsDouble() == 1) {
        OptionalDouble ran = r.value("sbtc_backup_verify_last_run_timestamp_seconds", "backup", name);
        OptionalDouble took = r.value("sbtc_backup_verify_duration_seconds", "backup", name);
        parts.add(State.PASS, name + ": newest backup restored and checked"
            + (ran.isPresent() ? " " + Facts.duration(r.nowSeconds() - ran.getAsDouble()) + " ago" : "")
            + (took.isPresent() ? " in " + Facts.duration(took.getAsDouble()) : ""));
      } else {
        String reason = r.samples("sbtc_backup_verify_failure_info").stream().filter(s -> s.label("backup").equals(name))
            .map(s -> s.label("reason")).findFirst().orElse("unknown reason");
        parts.add(State.FAIL, name + ": restore test failed (" + reason + ")");
      }
    }
    return parts.verdict();
  }

  /**
   * As SbtcSignerDbDown; WAL archiving is shown, not judged: its limit lives in the alert rules
   * (sbtc_threshold:wal_archive_max_age_seconds), which the exporter does not read.
   */
  static Verdict signerDb(Readings r) {
    if (r.config().section(SignerDbConfig.class).isEmpty()) {
      return Verdict.notConfigured("the signer's database is not watched", "add signer_db (a read-only user, see docs/database.md)");
    }
    Optional<String> problem = r.problem(SignerDbSource.NAME);
    if (problem.isPresent()) {
      return r.whenDown(SignerDbSource.NAME) == State.FAIL ? Verdict.fail(problem.get())
          : Verdict.unknown("cannot judge: " + problem.get() + (r.failure(SignerDbSource.NAME).isPresent()
              ? " (the exporter's login is refused; the signer may be fine)" : ""));
    }
    StringBuilder fact = new StringBuilder("reachable");
    r.value("sbtc_signer_db_migrations").ifPresent(m -> fact.append(", ").append(Facts.count(m)).append(" migrations applied"));
    OptionalDouble archived = r.value("sbtc_postgres_wal_last_archived_timestamp_seconds");
    OptionalDouble failures = r.value("sbtc_postgres_wal_archive_failures_total");
    if (archived.isPresent()) {
      fact.append("; WAL last archived ").append(Facts.duration(r.nowSeconds() - archived.getAsDouble())).append(" ago");
      failures.ifPresent(f -> fact.append(", ").append(Facts.count(f)).append(" failed attempts since the server started"));
    } else {
      fact.append("; no WAL archived (archive_mode off, or nothing archived yet)");
    }
    return Verdict.pass(fact.toString());
  }

  /**
   * The peg as signer_db reads it: what waits to be swept and since when, and this signer's share
   * of the recent votes. Shown, not judged: the limits (SbtcPegStalled's age, SbtcSignerNotVoting's
   * count) are sbtc_threshold:* rules, which check does not read.
   */
  static Verdict peg(Readings r) {
    if (r.config().section(SignerDbConfig.class).isEmpty()) {
      return Verdict.notConfigured("the signer's database is not watched", "add signer_db (a read-only user, see docs/database.md)");
    }
    Optional<Verdict> cannotJudge = r.cannotJudge(SignerDbSource.NAME);
    if (cannotJudge.isPresent()) {
      return cannotJudge.get();
    }
    List<String> facts = new ArrayList<>();
    for (String kind : List.of("deposit", "withdrawal")) {
      OptionalDouble pending = r.value("sbtc_signer_db_pending_requests", "kind", kind);
      OptionalDouble oldest = r.value("sbtc_signer_db_pending_oldest_timestamp_seconds", "kind", kind);
      pending.ifPresent(n -> facts.add(Facts.count(n) + " " + kind + "s waiting to be swept"
          + (oldest.isPresent() ? " (oldest " + Facts.duration(r.nowSeconds() - oldest.getAsDouble()) + ")" : "")));
      OptionalDouble recent = r.value("sbtc_signer_db_recent_requests", "kind", kind);
      OptionalDouble voted = r.value("sbtc_signer_db_recent_requests_voted", "kind", kind);
      if (recent.isPresent() && voted.isPresent()) {
        facts.add("voted on " + Facts.count(voted.getAsDouble()) + " of " + Facts.count(recent.getAsDouble()) + " recent " + kind + "s");
      }
    }
    if (facts.isEmpty()) {
      return Verdict.unknown("no pipeline readings yet (the exporter's user may lack the GRANTs of docs/database.md)");
    }
    return Verdict.pass(String.join(", ", facts));
  }

  /** As SbtcLogRetentionShort and SbtcLogSilent, against each component's min_retention and max_silence. */
  static Verdict logRetention(Readings r) {
    List<LogConfig> logs = r.config().sections(LogConfig.class);
    if (logs.isEmpty()) {
      return Verdict.notConfigured("no log retention is measured",
          "add logs entries for the signer, the Stacks node and the Bitcoin node (min_retention: 7d)");
    }
    Parts parts = new Parts();
    for (LogConfig l : logs) {
      String c = l.component();
      Optional<String> problem = r.problem(l.sourceName());
      if (problem.isPresent()) {
        parts.add(State.UNKNOWN, "cannot judge " + problem.get());
        continue;
      }
      OptionalDouble oldest = r.value("sbtc_logs_oldest_entry_timestamp_seconds", "component", c);
      OptionalDouble minimum = r.value("sbtc_logs_min_retention_seconds", "component", c);
      OptionalDouble lastWrite = r.value("sbtc_logs_last_write_timestamp_seconds", "component", c);
      OptionalDouble maxSilence = r.value("sbtc_logs_max_silence_seconds", "component", c);
      if (oldest.isEmpty() || minimum.isEmpty()) {
        parts.add(State.UNKNOWN, c + ": no log line with a readable timestamp");
        continue;
      }
      double reach = r.nowSeconds() - oldest.getAsDouble();
      String reachFact = c + ": logs reach back " + Facts.against(reach, ", minimum ", minimum.getAsDouble());
      if (reach < minimum.getAsDouble()) {
        parts.add(State.FAIL, reachFact);
      } else if (lastWrite.isPresent() && maxSilence.isPresent() && r.nowSeconds() - lastWrite.getAsDouble() > maxSilence.getAsDouble()) {
        parts.add(State.FAIL, c + ": last write " + Facts.against(r.nowSeconds() - lastWrite.getAsDouble(), " ago, limit ", maxSilence.getAsDouble()));
      } else if (minimum.getAsDouble() < PRACTICE_LOG_RETENTION_SECONDS) {
        parts.add(State.WARN, reachFact + ", below the practice's " + Facts.duration(PRACTICE_LOG_RETENTION_SECONDS));
      } else {
        parts.add(State.PASS, reachFact);
      }
      r.value("sbtc_logs_unparsed_files", "component", c).ifPresent(n -> {
        if (n > 0) {
          parts.add(State.WARN, c + ": " + Facts.count(n) + " files without a readable timestamp");
        }
      });
    }
    if (logs.size() < PRACTICE_LOG_COMPONENTS) {
      parts.add(State.WARN, "only " + logs.size() + " of the " + PRACTICE_LOG_COMPONENTS
          + " components measured (the signer, the Stacks node and the Bitcoin node)");
    }
    return parts.verdict();
  }
}
