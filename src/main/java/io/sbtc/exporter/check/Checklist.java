package io.sbtc.exporter.check;

import static io.sbtc.exporter.check.Practice.ACCESS;
import static io.sbtc.exporter.check.Practice.BACKUPS;
import static io.sbtc.exporter.check.Practice.FIREWALL;
import static io.sbtc.exporter.check.Practice.KEY;
import static io.sbtc.exporter.check.Practice.LOGS;
import static io.sbtc.exporter.check.Practice.METRICS;
import static io.sbtc.exporter.check.Practice.NODES;
import static io.sbtc.exporter.check.Practice.REDUNDANCY;
import static io.sbtc.exporter.check.Practice.RELEASES;
import static io.sbtc.exporter.check.Practice.SECRETS;
import static io.sbtc.exporter.check.Practice.SIGNING;

import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.stacks.StacksConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The signer operators' best-practice list, item by item: the one place the items are listed.
 * Every alert in alerts/sbtc-signer.rules.yml belongs to exactly one item (ScorecardCoverageTest):
 * a new alert is a new name in its item's list, or a new row here.
 */
public final class Checklist {
  private Checklist() {}

  public static final List<Item> ITEMS = List.of(
      new Item("key-files", KEY, "Key and config files readable by the signer's user only",
          List.of("sbtc_audit_file_mode_ok", "sbtc_audit_file_mode"),
          List.of("SbtcAuditFilePermissions"), HostChecks::keyFiles),

      new Item("backup-fresh", BACKUPS, "A recent, full-size backup of the signer's database",
          List.of("sbtc_backup_last_timestamp_seconds", "sbtc_backup_max_age_seconds", "sbtc_backup_last_size_bytes",
              "sbtc_backup_min_size_bytes"),
          List.of("SbtcBackupTooOld", "SbtcBackupTooSmall", "SbtcBackupMissing"), DataChecks::backupFresh),
      new Item("backup-restores", BACKUPS, "The newest backup restores and holds the signer's data",
          List.of("sbtc_backup_verify_success", "sbtc_backup_verify_failure_info", "sbtc_backup_verify_last_run_timestamp_seconds",
              "sbtc_backup_verify_versions_info"),
          List.of("SbtcBackupVerifyFailed", "SbtcBackupVerifyNotRun", "SbtcBackupVerifyToolsTooOld"), DataChecks::backupRestores),
      new Item("signer-db", BACKUPS, "The signer's database answers and archives its WAL",
          List.of("sbtc_exporter_source_up", "sbtc_signer_db_migrations", "sbtc_postgres_wal_last_archived_timestamp_seconds",
              "sbtc_postgres_wal_archive_failures_total"),
          List.of("SbtcSignerDbDown", "SbtcPostgresWalArchiveFailing", "SbtcPostgresWalArchiveStale"), DataChecks::signerDb),

      new Item("ssh", ACCESS, "SSH takes keys only and does not let root in",
          List.of("sbtc_audit_ssh_password_login", "sbtc_audit_ssh_root_login", "sbtc_audit_ssh_setting_info"),
          List.of("SbtcAuditSshPasswordLogin", "SbtcAuditSshRootLogin"), HostChecks::ssh),
      manual("two-factor", ACCESS, "Every login needs a second factor",
          "Does every way into this host (SSH, the cloud or hosting console, out-of-band management) need a second factor, "
              + "and is the list of people who have access written down and current?"),

      new Item("public-listeners", FIREWALL, "Only the signer's P2P port and SSH listen on public addresses",
          List.of("sbtc_audit_public_listener", "sbtc_audit_public_listeners_unexpected"),
          List.of("SbtcAuditPublicListener"), HostChecks::publicListeners),
      manual("firewall", FIREWALL, "The firewall drops everything else",
          "Do the host firewall and any cloud security group drop inbound traffic by default, letting in only the signer's "
              + "P2P port and SSH from your admin addresses?"),

      new Item("secrets-rotated", SECRETS, "Passwords and keys are rotated within their period",
          List.of("sbtc_audit_file_modified_timestamp_seconds", "sbtc_audit_file_max_age_seconds"),
          List.of("SbtcSecretTooOld"), HostChecks::secretsRotated),

      new Item("log-retention", LOGS, "Logs reach back at least 7 days and are still written",
          List.of("sbtc_logs_oldest_entry_timestamp_seconds", "sbtc_logs_min_retention_seconds", "sbtc_logs_last_write_timestamp_seconds",
              "sbtc_logs_max_silence_seconds", "sbtc_logs_unparsed_files", "sbtc_exporter_source_up"),
          List.of("SbtcLogRetentionShort", "SbtcLogSilent", "SbtcLogUnparsedFiles", "SbtcLogRetentionUnknown", "SbtcLogsMissing"),
          DataChecks::logRetention),

      new Item("signer-metrics", METRICS, "The signer's Prometheus endpoint is enabled",
          List.of("sbtc_exporter_source_up", "sbtc_signer_metrics_relayed_series"),
          List.of("SbtcSignerMetricsDown"), ServiceChecks::signerMetrics),
      new Item("sources", METRICS, "Everything the exporter watches answers",
          List.of("sbtc_exporter_source_up", "sbtc_exporter_source_last_success_timestamp_seconds", "sbtc_exporter_source_errors_total",
              "sbtc_exporter_config_last_reload_successful"),
          List.of("SbtcSourceDown", "SbtcSourceNeverUp", "SbtcExporterConfigReloadFailed"), ServiceChecks::sources),
      new Item("alerting", METRICS, "Prometheus scrapes this exporter and alerts reach on-call",
          List.of("up", "sbtc_exporter_build_info"),
          List.of("SbtcExporterDown", "SbtcExporterAbsent", "SbtcExporterStoppedReporting", "SbtcWatchdog", "SbtcAlertThresholdsMissing"),
          r -> Verdict.manual("only Prometheus sees whether it scrapes this exporter",
              "Does a Prometheus scrape this exporter with alerts/sbtc-signer.rules.yml loaded, and do its alerts reach "
                  + "someone on call (send a test alert)?")),

      new Item("bitcoin-node", NODES, "The Bitcoin node is synced, unpruned and recent enough",
          List.of("sbtc_exporter_source_up", "sbtc_bitcoin_initial_block_download", "sbtc_bitcoin_blocks", "sbtc_bitcoin_headers", "sbtc_bitcoin_requirements_met",
              "sbtc_bitcoin_tip_changed_timestamp_seconds", "sbtc_bitcoin_peers", "sbtc_bitcoin_warnings", "sbtc_bitcoin_warming_up",
              "sbtc_bitcoin_verification_progress"),
          List.of("SbtcBitcoinInitialBlockDownload", "SbtcBitcoinNotSynced", "SbtcBitcoinTipStale", "SbtcBitcoinFewPeers",
              "SbtcBitcoinWarnings", "SbtcBitcoinRequirementsNotMet", "SbtcBitcoinNodeUnreachable", "SbtcBitcoinWarmingUpTooLong"),
          ServiceChecks::bitcoinNode),
      new Item("stacks-node", NODES, "The Stacks node is synced and follows Bitcoin",
          List.of("sbtc_exporter_source_up", "sbtc_stacks_fully_synced", "sbtc_stacks_tip_height", "sbtc_stacks_tip_changed_timestamp_seconds",
              "sbtc_stacks_burn_block_lag_blocks", "sbtc_stacks_peers"),
          List.of("SbtcStacksNotSynced", "SbtcStacksTipStale", "SbtcStacksBurnBlockLag", "SbtcStacksFewPeers", "SbtcStacksNodeUnreachable"),
          ServiceChecks::stacksNode),
      new Item("disk", NODES, "The disks holding the nodes', the database's, the backups' and the logs' data have room",
          List.of("sbtc_disk_size_bytes", "sbtc_disk_available_bytes", "sbtc_disk_inodes", "sbtc_disk_inodes_free"),
          List.of("SbtcDiskSpaceLow", "SbtcDiskFillingUp", "SbtcDiskInodesLow"), DataChecks::disk),
      new Item("dedicated-nodes", NODES, "The nodes serve this signer only", List.of(), List.of(), Checklist::dedicatedNodes),

      new Item("signer", SIGNING, "The signer follows both chains, has peers and its work succeeds",
          List.of("sbtc_exporter_source_up", "sbtc_signer_bitcoin_lag_blocks", "sbtc_signer_stacks_lag_blocks", "peers_connected",
              "sign_requests_total", "blocks_observed_total", "transactions_submitted_total", "signing_rounds_completed_total",
              "call_read_only_requests_total", "read_data_var_requests_total", "read_map_entry_requests_total", "deposit_requests_total"),
          List.of("SbtcSignerInfoDown", "SbtcSignerBitcoinLag", "SbtcSignerStacksLag", "SbtcSignerNoPeers", "SbtcSignerSignRequestsFailing",
              "SbtcSignerNoBlocksObserved", "SbtcSignerTransactionsFailing", "SbtcSignerSigningRoundsFailing",
              "SbtcSignerContractReadsFailing", "SbtcSignerDepositRequestsFailing"), ServiceChecks::signer),
      new Item("dkg-key", SIGNING, "The signer signs with the key the sBTC registry contract holds",
          List.of("sbtc_signer_dkg_verified_key_matches_contract", "sbtc_signer_dkg_latest_key_matches_contract",
              "sbtc_signer_dkg_latest_shares_status", "sbtc_signer_dkg_latest_shares_created_timestamp_seconds"),
          List.of("SbtcSignerDkgKeyMismatch", "SbtcSignerDkgRotationStuck", "SbtcSignerDkgKeyUnconfirmed"), ServiceChecks::dkgKey),
      new Item("peg", SIGNING, "Deposits and withdrawals get swept and this signer votes on them",
          List.of("sbtc_signer_db_pending_requests", "sbtc_signer_db_pending_oldest_timestamp_seconds", "sbtc_signer_db_recent_requests",
              "sbtc_signer_db_recent_requests_voted", "sbtc_signer_db_recent_requests_missed", "sbtc_signer_db_last_sweep_timestamp_seconds"),
          List.of("SbtcPegStalled", "SbtcSignerNotVoting"), DataChecks::peg),

      new Item("versions", RELEASES, "Every component runs at least its minimum version",
          List.of("sbtc_version_below_minimum", "sbtc_version_unparsable", "sbtc_version_running_info"),
          List.of("SbtcVersionBelowMinimum", "SbtcVersionUnparsable"), ServiceChecks::versions),
      new Item("releases", RELEASES, "No newer release is waiting",
          List.of("sbtc_release_behind", "sbtc_release_latest_info", "sbtc_release_latest_published_timestamp_seconds"),
          List.of("SbtcReleaseBehind"), ServiceChecks::releases),

      manual("redundancy", REDUNDANCY, "The signer can be rebuilt elsewhere",
          "If this host died today, could you bring the signer back on another machine from the latest backup and your "
              + "offline copy of its key, within the time the signer set expects, and have you rehearsed it?"));

  public static Scorecard evaluate(Readings readings) {
    List<Result> results = new ArrayList<>(ITEMS.size());
    for (Item item : ITEMS) {
      results.add(new Result(item, item.judge(readings)));
    }
    return new Scorecard(results, readings.now());
  }

  private static Item manual(String id, Practice practice, String title, String question) {
    Function<Readings, Verdict> judge = r -> Verdict.manual(Verdict.NOT_MEASURABLE, question);
    return new Item(id, practice, title, List.of(), List.of(), judge);
  }

  /** Where the nodes are is a hint for the question, never an answer: a local node may still serve others. */
  private static Verdict dedicatedNodes(Readings r) {
    List<String> where = new ArrayList<>();
    r.config().section(BitcoinConfig.class).map(BitcoinConfig::rpcUrl).ifPresent(u -> where.add("the Bitcoin node at " + hostPort(u)));
    r.config().section(StacksConfig.class).map(StacksConfig::rpcUrl).ifPresent(u -> where.add("the Stacks node at " + hostPort(u)));
    return Verdict.manual(where.isEmpty() ? Verdict.NOT_MEASURABLE : "watching " + Facts.and(where),
        "Do this signer's Bitcoin and Stacks nodes serve this signer only (no other signer, no public RPC), "
            + "on machines you control?");
  }

  /** Host and port only: a URL's path and query are not needed here and could carry anything. */
  private static String hostPort(URI u) {
    return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
  }
}
