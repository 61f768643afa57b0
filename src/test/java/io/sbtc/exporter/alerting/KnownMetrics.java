package io.sbtc.exporter.alerting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every metric name an alert or a dashboard may use: the sbtc_ families in docs/metrics.md, the
 * signer metrics docs/metrics.md says are relayed, the recording rules of our rule file, and the
 * series Prometheus itself makes.
 */
final class KnownMetrics {
  /**
   * ===== Metrics documented by issues not yet merged (issues 3, 4 and 9). =====
   * Their names are fixed by those issues; the branches that emit them add them to
   * docs/metrics.md. DELETE each entry when its branch is merged: {@link #pendingMergeAlreadyDocumented}
   * fails once an entry is in docs/metrics.md, and the metric check fails if a name used here is
   * then missing from it.
   */
  static final Set<String> PENDING_MERGE = Set.of(
      // issue 3: Bitcoin and Stacks nodes, derived lags
      "sbtc_bitcoin_blocks", "sbtc_bitcoin_headers", "sbtc_bitcoin_verification_progress",
      "sbtc_bitcoin_initial_block_download", "sbtc_bitcoin_tip_timestamp_seconds",
      "sbtc_bitcoin_tip_changed_timestamp_seconds", "sbtc_bitcoin_peers", "sbtc_bitcoin_network_active",
      "sbtc_bitcoin_mempool_transactions", "sbtc_bitcoin_mempool_bytes", "sbtc_bitcoin_size_on_disk_bytes",
      "sbtc_bitcoin_pruned", "sbtc_bitcoin_uptime_seconds", "sbtc_bitcoin_warnings", "sbtc_bitcoin_info",
      "sbtc_bitcoin_requirements_met", "sbtc_bitcoin_warming_up",
      "sbtc_stacks_tip_height", "sbtc_stacks_burn_block_height", "sbtc_stacks_fully_synced",
      "sbtc_stacks_tip_changed_timestamp_seconds", "sbtc_stacks_peers", "sbtc_stacks_reward_cycle", "sbtc_stacks_info",
      "sbtc_stacks_burn_block_lag_blocks", "sbtc_signer_bitcoin_lag_blocks", "sbtc_signer_stacks_lag_blocks",
      // issue 4: log retention
      "sbtc_logs_oldest_entry_timestamp_seconds", "sbtc_logs_last_write_timestamp_seconds", "sbtc_logs_bytes",
      "sbtc_logs_files", "sbtc_logs_min_retention_seconds", "sbtc_logs_max_silence_seconds", "sbtc_logs_unparsed_files",
      // issue 9: database, WAL archiving and backups
      "sbtc_signer_db_bitcoin_block_height", "sbtc_signer_db_stacks_block_height", "sbtc_signer_db_migrations",
      "sbtc_signer_dkg_shares", "sbtc_signer_dkg_latest_verified_timestamp_seconds",
      "sbtc_postgres_wal_last_archived_timestamp_seconds", "sbtc_postgres_wal_archive_failures_total",
      "sbtc_backup_last_timestamp_seconds", "sbtc_backup_last_size_bytes", "sbtc_backup_files",
      "sbtc_backup_max_age_seconds", "sbtc_backup_min_size_bytes", "sbtc_backup_verify_last_run_timestamp_seconds",
      "sbtc_backup_verify_last_success_timestamp_seconds", "sbtc_backup_verify_success",
      "sbtc_backup_verify_duration_seconds", "sbtc_backup_verify_failure_info");

  /** Series Prometheus makes itself: scrape health and the state of alerts. */
  static final Set<String> PROMETHEUS = Set.of("up", "ALERTS");

  private static final Path METRICS_DOC = Path.of("docs/metrics.md");
  private static final Pattern TABLE_ROW = Pattern.compile("^\\|\\s*`(sbtc_[a-z0-9_]+)`\\s*\\|", Pattern.MULTILINE);
  private static final Pattern CODE = Pattern.compile("`([a-z][a-z0-9_]*)(?:\\{[^`]*})?`");

  private KnownMetrics() {}

  /** The sbtc_ families in the tables of docs/metrics.md. */
  static Set<String> documented() {
    Set<String> names = new TreeSet<>();
    Matcher m = TABLE_ROW.matcher(doc());
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The signer's own names listed under "Relayed signer metrics" in docs/metrics.md. */
  static Set<String> relayed() {
    String doc = doc();
    int start = doc.indexOf("### Relayed signer metrics");
    if (start < 0) {
      throw new AssertionError("docs/metrics.md has no \"### Relayed signer metrics\" section");
    }
    int end = doc.indexOf("\n#", start + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    Set<String> names = new TreeSet<>();
    Matcher m = CODE.matcher(section);
    while (m.find()) {
      if (!m.group(1).startsWith("sbtc_")) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Why {@code name} is not known, or empty if it is. */
  static String problem(String name, Set<String> recordingRules) {
    if (documented().contains(name) || PENDING_MERGE.contains(name) || PROMETHEUS.contains(name)
        || recordingRules.contains(name) || isRelayed(name)) {
      return "";
    }
    return name + " is neither in docs/metrics.md, nor relayed from the signer, nor in KnownMetrics.PENDING_MERGE";
  }

  /** A relayed name, or a histogram's _bucket/_sum/_count series of one. */
  static boolean isRelayed(String name) {
    Set<String> relayed = relayed();
    return relayed.contains(name) || relayed.contains(name.replaceFirst("_(bucket|sum|count)$", ""));
  }

  static Set<String> pendingMergeAlreadyDocumented() {
    Set<String> both = new TreeSet<>(PENDING_MERGE);
    both.retainAll(documented());
    return both;
  }

  private static String doc() {
    try {
      return Files.readString(METRICS_DOC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
