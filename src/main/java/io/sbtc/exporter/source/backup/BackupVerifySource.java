package io.sbtc.exporter.source.backup;

import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code backup_verify:<name>}: restores the newest backup on the scratch server and reports
 * whether it came back whole.
 *
 * <p>A source of its own rather than a background job inside {@code backup:<name>}: it has its own
 * interval (a day) and timeout (half an hour), and the core already schedules sources, keeps their
 * polls from overlapping, bounds them and reports their duration and errors. Its worker pool of
 * one thread is its own too, so a restore that runs for minutes never holds up the freshness polls
 * or any other source on Vert.x's shared workers.
 *
 * <p>A broken backup is a result, not a failed poll: the poll succeeds with
 * {@code sbtc_backup_verify_success 0} and the reason, so the value turns 0 at the next run instead
 * of the previous success being served until it goes stale. When the scratch server or the live
 * database is what failed, the poll still reports 0, and the error also counts in
 * {@code sbtc_exporter_source_errors_total}.
 */
public final class BackupVerifySource implements Source {
  public static final String PREFIX = "backup_verify:";
  /** Time after the verify timeout for stopping the tool and dropping the temporary database. */
  static final Duration CLEANUP_GRACE = Duration.ofMinutes(2);

  private final Vertx vertx;
  private final BackupConfig backup;
  private final BackupVerifyConfig config;
  private final BackupVerifier verifier;
  private final WorkerExecutor worker;
  private final Labels labels;
  private final AtomicBoolean running = new AtomicBoolean();
  /** Completed when no verification is running; replaced when one starts. Event-loop only. */
  private volatile Future<Void> idle = Future.succeededFuture();
  private volatile Instant lastSuccess;

  public BackupVerifySource(Vertx vertx, BackupConfig backup, Optional<SignerDbConfig> live) {
    this.vertx = vertx;
    this.backup = backup;
    this.config = backup.verify().orElseThrow();
    this.verifier = new BackupVerifier(backup, live, Path.of(System.getProperty("java.io.tmpdir")), Clock.systemUTC());
    this.labels = Labels.of("backup", backup.name());
    this.worker = vertx.createSharedWorkerExecutor("sbtc-backup-verify-" + backup.name(), 1,
        schedule(config).timeout().plus(CLEANUP_GRACE).toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * The source's schedule: the verifier stops itself at the verify timeout, so the poll's own bound,
   * {@link #CLEANUP_GRACE} later, only catches a cleanup that hangs.
   */
  public static Schedule schedule(BackupVerifyConfig verify) {
    Duration interval = verify.schedule().interval();
    Duration bound = verify.schedule().timeout().plus(CLEANUP_GRACE);
    return new Schedule(interval, bound.compareTo(interval) > 0 ? interval : bound);
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    Deadline deadline = poll.deadline().within(config.schedule().timeout());
    if (!running.compareAndSet(false, true)) {
      return Future.failedFuture(new SourceException(ErrorReason.TIMEOUT, "the previous verification of " + backup.name() + " is still running"));
    }
    Future<SourceSnapshot> run = worker.executeBlocking(() -> {
      try {
        return snapshot(verifier.run(deadline), poll);
      } finally {
        running.set(false);
      }
    }, false);
    idle = run.<Void>mapEmpty().otherwiseEmpty();
    return run;
  }

  private SourceSnapshot snapshot(VerifyOutcome outcome, Poll poll) {
    if (outcome.success()) {
      lastSuccess = outcome.finishedAt();
    }
    Metrics m = new Metrics()
        .gauge("sbtc_backup_verify_last_run_timestamp_seconds", "Unix time when the latest restore verification finished, successful or not.",
            labels, seconds(outcome.finishedAt()))
        .gauge("sbtc_backup_verify_success",
            "1 if the latest restore verification of the newest backup passed every check, 0 otherwise (see sbtc_backup_verify_failure_info).",
            labels, outcome.success() ? 1 : 0)
        .gauge("sbtc_backup_verify_duration_seconds", "How long the latest restore verification took.", labels,
            outcome.took().toNanos() / 1e9);
    Instant success = lastSuccess;
    if (success != null) {
      m.gauge("sbtc_backup_verify_last_success_timestamp_seconds",
          "Unix time when a restore verification last succeeded (since the exporter started); absent until one has.",
          labels, seconds(success));
    }
    versions(outcome.versions()).ifPresent(v -> m.info("sbtc_backup_verify_versions",
        "Always 1: the versions the latest restore verification met, each label absent when unknown: dump_pg_dump (the pg_dump that"
            + " wrote the backup), dump_server (the server it was dumped from), restore_tool (pg_restore or psql) and its"
            + " restore_tool_version, scratch_server (the scratch server's version).", v));
    outcome.failure().ifPresent(reason -> m.info("sbtc_backup_verify_failure",
        "Present (1) when the latest restore verification failed, with the reason: no_backup, still_being_written, tool_missing, "
            + "tool_too_old, dump_too_new, scratch_too_old, scratch_unavailable, scratch_too_privileged, corrupt_file, unsupported_dump, incomplete_dump, restore_failed, "
            + "schema_missing, table_missing, table_empty, aggregate_key_mismatch, live_db_unavailable, timeout, internal.",
        labels.add("reason", reason.label())));
    outcome.infrastructure().forEach(poll::problem);
    return poll.snapshot(m.build());
  }

  private Optional<Labels> versions(RestoreVersions v) {
    if (v.isEmpty()) {
      return Optional.empty();
    }
    Labels l = labels;
    if (v.dump().pgDump().isPresent()) {
      l = l.add("dump_pg_dump", v.dump().pgDump().get().text());
    }
    if (v.dump().server().isPresent()) {
      l = l.add("dump_server", v.dump().server().get().text());
    }
    if (v.tool().isPresent() && v.toolVersion().isPresent()) {
      l = l.add("restore_tool", v.tool().get()).add("restore_tool_version", v.toolVersion().get().text());
    }
    if (v.scratchServer().isPresent()) {
      l = l.add("scratch_server", v.scratchServer().get());
    }
    return Optional.of(l);
  }

  private static double seconds(Instant t) {
    return t.toEpochMilli() / 1000.0;
  }

  /** Stops a verification in progress and waits (briefly) until it has dropped its temporary database. */
  @Override
  public Future<Void> close() {
    verifier.stop();
    return idle.timeout(CLEANUP_GRACE.toMillis(), TimeUnit.MILLISECONDS).otherwiseEmpty().eventually(worker::close);
  }
}
