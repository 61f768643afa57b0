package io.sbtc.exporter.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.core.SourceState;
import io.sbtc.exporter.core.SourceView;
import io.sbtc.exporter.promtext.ParseException;
import io.sbtc.exporter.promtext.TextFormatParser;
import io.sbtc.exporter.setup.ConfigLoader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each item judged from a scrape's families, as the exporter serves them: the verdicts operators
 * see, with the facts that explain them, and the limits read from the same metrics the alerts use.
 */
class ChecklistTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  static final long T = NOW.getEpochSecond();

  /** A scrape ({@code exposition}) of a config, with these sources answering and these failing. */
  static Readings readings(String yaml, String exposition, List<String> up, Map<String, SourceException> down) {
    MetricSnapshots families;
    try {
      families = new MetricSnapshots(TextFormatParser.parse(exposition, "").families());
    } catch (ParseException e) {
      throw new AssertionError(e);
    }
    List<SourceView> views = new ArrayList<>();
    for (String name : up) {
      SourceSnapshot snapshot = SourceSnapshot.of(List.of());
      views.add(new SourceView(name, Duration.ofSeconds(15), new SourceState(Optional.of(snapshot), Optional.of(NOW), true, true,
          Duration.ZERO, Optional.empty(), Map.of()), Optional.of(snapshot)));
    }
    down.forEach((name, error) -> views.add(new SourceView(name, Duration.ofSeconds(15),
        new SourceState(Optional.empty(), Optional.empty(), true, false, Duration.ZERO, Optional.of(error), Map.of()), Optional.empty())));
    return new Readings(ConfigLoader.parse("test.yml", yaml, name -> null), views, families, NOW);
  }

  static Result item(Scorecard card, String id) {
    return card.results().stream().filter(r -> r.item().id().equals(id)).findFirst().orElseThrow();
  }

  static Result judge(String id, String yaml, String exposition, List<String> up, Map<String, SourceException> down) {
    return item(Checklist.evaluate(readings(yaml, exposition, up, down)), id);
  }

  static final String BACKUP_YAML = """
      backups:
        - name: signer-db
          path: /var/backups/signer
          max_age: 26h
      """;

  @Test
  void aStaleBackupFailsWithItsAgeAndLimit() {
    Result r = judge("backup-fresh", BACKUP_YAML, """
        sbtc_backup_last_timestamp_seconds{backup="signer-db"} %d
        sbtc_backup_max_age_seconds{backup="signer-db"} 93600
        sbtc_backup_last_size_bytes{backup="signer-db"} 5242880
        sbtc_backup_min_size_bytes{backup="signer-db"} 1
        """.formatted(T - 31 * 3600), List.of("backup:signer-db"), Map.of());
    assertEquals(State.FAIL, r.state());
    assertEquals("signer-db: newest backup 31 h old, limit 26 h", r.verdict().fact());
    assertEquals("https://github.com/sbtc-signer-exporter/sbtc-signer-exporter/blob/main/docs/runbooks.md#sbtcbackuptooold",
        r.item().runbookUrl());
  }

  @Test
  void theLimitIsTheOneTheExporterServesAsTheAlertReadsIt() {
    // SbtcBackupTooOld compares with sbtc_backup_max_age_seconds; so does the item, whatever else it could read.
    Result r = judge("backup-fresh", BACKUP_YAML, """
        sbtc_backup_last_timestamp_seconds{backup="signer-db"} %d
        sbtc_backup_max_age_seconds{backup="signer-db"} 180000
        sbtc_backup_last_size_bytes{backup="signer-db"} 5242880
        sbtc_backup_min_size_bytes{backup="signer-db"} 1
        """.formatted(T - 31 * 3600), List.of("backup:signer-db"), Map.of());
    assertEquals(State.PASS, r.state(), r.verdict().fact());
    assertEquals("signer-db: newest backup 31 h old, limit 2.1 d, 5 MiB", r.verdict().fact());
  }

  @Test
  void anAgeNextToItsLimitNeverReadsAsTheLimit() {
    assertEquals("26.02 h old, limit 26 h", Facts.against(26.02 * 3600, " old, limit ", 26 * 3600));
    assertEquals("3 min old, limit 26 h", Facts.against(180, " old, limit ", 26 * 3600));
    assertEquals("12 s ago, limit 15 min", Facts.against(12, " ago, limit ", 900));
  }

  @Test
  void aBackupDirectoryWithoutFilesFailsButOneTheExporterMayNotReadIsUnknown() {
    Result none = judge("backup-fresh", BACKUP_YAML, "", List.of(),
        Map.of("backup:signer-db", new SourceException(ErrorReason.OTHER, "no file matching * in /var/backups/signer")));
    assertEquals(State.FAIL, none.state());
    assertEquals("backup:signer-db: other: no file matching * in /var/backups/signer", none.verdict().fact());
    Result denied = judge("backup-fresh", BACKUP_YAML, "", List.of(),
        Map.of("backup:signer-db", new SourceException(ErrorReason.AUTH, "cannot read /var/backups/signer: permission denied")));
    assertEquals(State.UNKNOWN, denied.state());
  }

  @Test
  void aWorldReadableKeyFailsAndSaysWhichModeIsAllowed() {
    String yaml = """
        audit:
          files:
            - path: /etc/sbtc-signer/signer-config.toml
            - path: /etc/sbtc-signer/tls.key
              max_mode: "0640"
        """;
    Result r = judge("key-files", yaml, """
        sbtc_audit_file_mode_ok{path="/etc/sbtc-signer/signer-config.toml"} 0
        sbtc_audit_file_mode{path="/etc/sbtc-signer/signer-config.toml"} 420
        sbtc_audit_file_mode_ok{path="/etc/sbtc-signer/tls.key"} 1
        sbtc_audit_file_mode{path="/etc/sbtc-signer/tls.key"} 416
        """, List.of("audit_files"), Map.of());
    assertEquals(State.FAIL, r.state());
    assertEquals("/etc/sbtc-signer/signer-config.toml: mode 0644, allowed 0600; /etc/sbtc-signer/tls.key 0640 (allowed 0640)",
        r.verdict().fact());
  }

  @Test
  void aSecretOlderThanItsRotationPeriodFailsAndFilesWithoutOneAreLeftOut() {
    String yaml = """
        audit:
          files:
            - path: /etc/sbtc-signer/signer-config.toml
            - path: /etc/sbtc-signer-exporter/signer-db.password
              max_age: 90d
            - path: /etc/sbtc-signer-exporter/bitcoin-rpc.password
              max_age: 30d
        """;
    Result r = judge("secrets-rotated", yaml, """
        sbtc_audit_file_modified_timestamp_seconds{path="/etc/sbtc-signer/signer-config.toml"} 0
        sbtc_audit_file_modified_timestamp_seconds{path="/etc/sbtc-signer-exporter/signer-db.password"} %d
        sbtc_audit_file_modified_timestamp_seconds{path="/etc/sbtc-signer-exporter/bitcoin-rpc.password"} %d
        """.formatted(NOW.getEpochSecond() - 100 * 86400, NOW.getEpochSecond() - 86400), List.of("audit_files"), Map.of());
    assertEquals(State.FAIL, r.state());
    assertEquals("/etc/sbtc-signer-exporter/signer-db.password last written 100 d ago, rotation period 90 d;"
        + " /etc/sbtc-signer-exporter/bitcoin-rpc.password last written 24 h ago, rotation period 30 d", r.verdict().fact());
    Result none = judge("secrets-rotated", "audit:\n  files:\n    - path: /etc/sbtc-signer/signer-config.toml\n", "",
        List.of("audit_files"), Map.of());
    assertEquals(State.UNKNOWN, none.state());
  }

  @Test
  void thePegIsShownFromTheSignerDatabase() {
    Result r = judge("peg", "signer_db:\n  url: postgresql://sbtc_exporter@127.0.0.1:5432/signer\n", """
        sbtc_signer_db_pending_requests{kind="deposit"} 2
        sbtc_signer_db_pending_oldest_timestamp_seconds{kind="deposit"} %d
        sbtc_signer_db_pending_requests{kind="withdrawal"} 0
        sbtc_signer_db_recent_requests{kind="deposit"} 5
        sbtc_signer_db_recent_requests_voted{kind="deposit"} 4
        sbtc_signer_db_recent_requests{kind="withdrawal"} 7
        sbtc_signer_db_recent_requests_voted{kind="withdrawal"} 7
        """.formatted(NOW.getEpochSecond() - 1800), List.of("signer_db"), Map.of());
    assertEquals(State.PASS, r.state());
    assertEquals("2 deposits waiting to be swept (oldest 30 min), voted on 4 of 5 recent deposits, 0 withdrawals waiting to be swept,"
        + " voted on 7 of 7 recent withdrawals", r.verdict().fact());
  }

  @Test
  void sshPassesOnlyWithNeitherPasswordsNorRoot() {
    String yaml = "audit:\n  ssh: {}\n";
    String settings = """
        sbtc_audit_ssh_setting_info{setting="passwordauthentication",value="no",match=""} 1
        sbtc_audit_ssh_setting_info{setting="kbdinteractiveauthentication",value="no",match=""} 1
        sbtc_audit_ssh_setting_info{setting="permitrootlogin",value="%s",match=""} 1
        """;
    Result good = judge("ssh", yaml, settings.formatted("no") + "sbtc_audit_ssh_password_login 0\nsbtc_audit_ssh_root_login 0\n",
        List.of("audit_ssh"), Map.of());
    assertEquals(State.PASS, good.state());
    assertEquals("keys only, no root login (passwordauthentication no, kbdinteractiveauthentication no, permitrootlogin no)",
        good.verdict().fact());
    Result root = judge("ssh", yaml, settings.formatted("prohibit-password") + "sbtc_audit_ssh_password_login 0\nsbtc_audit_ssh_root_login 1\n",
        List.of("audit_ssh"), Map.of());
    assertEquals(State.FAIL, root.state());
    assertTrue(root.verdict().fact().startsWith("root may log in (passwordauthentication no"), root.verdict().fact());
  }

  @Test
  void anUnreadableSshdConfigIsUnknownNeverAPass() {
    Result r = judge("ssh", "audit:\n  ssh: {}\n", "", List.of(),
        Map.of("audit_ssh", new SourceException(ErrorReason.AUTH, "cannot read /etc/ssh/sshd_config: permission denied")));
    assertEquals(State.UNKNOWN, r.state());
    assertEquals("cannot judge: audit_ssh: auth: cannot read /etc/ssh/sshd_config: permission denied", r.verdict().fact());
  }

  @Test
  void logsShorterThanTheirMinimumFailAndAMinimumBelowSevenDaysWarns() {
    String yaml = """
        logs:
          - component: signer
            path: /var/log/sbtc-signer
            pattern: "signer.log*"
          - component: bitcoind
            path: /var/log/bitcoind
            pattern: "debug.log*"
            min_retention: 3d
        """;
    String exposition = """
        sbtc_logs_oldest_entry_timestamp_seconds{component="signer"} %d
        sbtc_logs_min_retention_seconds{component="signer"} 604800
        sbtc_logs_last_write_timestamp_seconds{component="signer"} %d
        sbtc_logs_max_silence_seconds{component="signer"} 3600
        sbtc_logs_oldest_entry_timestamp_seconds{component="bitcoind"} %d
        sbtc_logs_min_retention_seconds{component="bitcoind"} 259200
        sbtc_logs_last_write_timestamp_seconds{component="bitcoind"} %d
        sbtc_logs_max_silence_seconds{component="bitcoind"} 3600
        """.formatted(T - 3 * 86400, T - 60, T - 4 * 86400, T - 60);
    Result r = judge("log-retention", yaml, exposition, List.of("logs:signer", "logs:bitcoind"), Map.of());
    assertEquals(State.FAIL, r.state());
    assertEquals("signer: logs reach back 3 d, minimum 7 d; bitcoind: logs reach back 4 d, minimum 3 d, below the practice's 7 d; "
        + "only 2 of the 3 components measured (the signer, the Stacks node and the Bitcoin node)", r.verdict().fact());
  }

  /** As SbtcDiskSpaceLow and SbtcDiskInodesLow at their default 10%: each watched path is a part, the worst first. */
  @Test
  void aNearlyFullDiskOrOneOutOfInodesFailsAndNamesItsPath() {
    String yaml = """
        disk:
          paths: ["/mnt/bitcoin", "/var/lib/postgresql", "/var/log/sbtc"]
        """;
    String exposition = """
        sbtc_disk_size_bytes{path="/mnt/bitcoin"} 1000000000000
        sbtc_disk_available_bytes{path="/mnt/bitcoin"} 80000000000
        sbtc_disk_size_bytes{path="/var/lib/postgresql"} 200000000000
        sbtc_disk_available_bytes{path="/var/lib/postgresql"} 100000000000
        sbtc_disk_inodes{path="/var/lib/postgresql"} 13107200
        sbtc_disk_inodes_free{path="/var/lib/postgresql"} 12000000
        sbtc_disk_size_bytes{path="/var/log/sbtc"} 100000000000
        sbtc_disk_available_bytes{path="/var/log/sbtc"} 60000000000
        sbtc_disk_inodes{path="/var/log/sbtc"} 6553600
        sbtc_disk_inodes_free{path="/var/log/sbtc"} 327680
        """;
    Result r = judge("disk", yaml, exposition, List.of("disk"), Map.of());
    assertEquals(State.FAIL, r.state());
    assertTrue(r.verdict().fact().startsWith("/mnt/bitcoin: "), r.verdict().fact());
    assertTrue(r.verdict().fact().contains("(8%), minimum 10%"), r.verdict().fact());
    assertTrue(r.verdict().fact().contains("/var/log/sbtc: 5% of inodes free, minimum 10%"), r.verdict().fact());
    assertTrue(r.verdict().fact().contains("/var/lib/postgresql: ") && r.verdict().fact().contains("(50%)"), r.verdict().fact());
  }

  /** The exporter not being able to ask (no stat binary, nothing mounted there) says nothing about space: unknown. */
  @Test
  void aDiskSourceThatCannotReadIsUnknownNeverAFailure() {
    Result r = judge("disk", "disk:\n  paths: [\"/mnt/bitcoin\"]\n", "", List.of(),
        Map.of("disk", new SourceException(ErrorReason.OTHER, "cannot run stat (IOException)")));
    assertEquals(State.UNKNOWN, r.state());
    assertEquals("cannot judge disk: other: cannot run stat (IOException)", r.verdict().fact());
    assertEquals(State.UNKNOWN, judge("disk", "", "", List.of(), Map.of()).state());
  }

  @Test
  void aVersionBelowItsMinimumFailsAndAnUnreadableOneWarns() {
    String yaml = """
        versions:
          minimum:
            bitcoind: "25.0"
            signer: "1.0.0"
        """;
    Result r = judge("versions", yaml, """
        sbtc_version_below_minimum{component="bitcoind",running="24.2.0",minimum="25.0"} 1
        sbtc_version_unparsable{component="signer",running="abc1234"} 1
        """, List.of(), Map.of());
    assertEquals(State.FAIL, r.state());
    assertEquals("bitcoind 24.2.0 is below the minimum 25.0; signer reports \"abc1234\", which cannot be compared with 1.0.0",
        r.verdict().fact());
  }

  @Test
  void aNodeThatDoesNotAnswerFailsButARefusedLoginIsUnknown() {
    String yaml = "bitcoin:\n  rpc_url: http://127.0.0.1:8332\n  cookie_file: /var/lib/bitcoind/.cookie\n";
    Result down = judge("bitcoin-node", yaml, "", List.of(), Map.of("bitcoin", new SourceException(ErrorReason.CONNECT, "connection refused")));
    assertEquals(State.FAIL, down.state());
    assertEquals("bitcoin: connect: connection refused", down.verdict().fact());
    Result refused = judge("bitcoin-node", yaml, "", List.of(), Map.of("bitcoin", new SourceException(ErrorReason.AUTH, "HTTP 401")));
    assertEquals(State.UNKNOWN, refused.state());
  }

  @Test
  void aSourceThatHasNotAnsweredYetIsUnknownNotAFailure() {
    String yaml = "bitcoin:\n  rpc_url: http://127.0.0.1:8332\n  cookie_file: /var/lib/bitcoind/.cookie\n" + BACKUP_YAML;
    Readings base = readings(yaml, "", List.of(), Map.of());
    SourceState pending = new SourceState(Optional.empty(), Optional.empty(), false, false, Duration.ZERO, Optional.empty(), Map.of());
    Readings r = new Readings(base.config(), List.of(new SourceView("bitcoin", Duration.ofSeconds(15), pending, Optional.empty()),
        new SourceView("backup:signer-db", Duration.ofSeconds(60), pending, Optional.empty())), base.metrics(), NOW);
    Scorecard card = Checklist.evaluate(r);
    assertEquals(State.UNKNOWN, item(card, "bitcoin-node").state());
    assertEquals("cannot judge: bitcoin: no answer yet", item(card, "bitcoin-node").verdict().fact());
    assertEquals(State.UNKNOWN, item(card, "backup-fresh").state());
    assertEquals(State.UNKNOWN, item(card, "sources").state());
    assertEquals("0 of 2 sources answered; bitcoin: no answer yet; backup:signer-db: no answer yet", item(card, "sources").verdict().fact());
  }

  /** As SbtcExporterConfigReloadFailed: the sources answering are those of the config read before, not the file's. */
  @Test
  void aFailedConfigReloadWarnsThatAnOlderConfigIsInForce() {
    String yaml = "bitcoin:\n  rpc_url: http://127.0.0.1:8332\n  cookie_file: /var/lib/bitcoind/.cookie\n";
    Result failed = judge("sources", yaml, """
        sbtc_exporter_config_last_reload_successful 0
        sbtc_exporter_config_last_reload_success_timestamp_seconds %d
        """.formatted(T - 3 * 3600), List.of("bitcoin"), Map.of());
    assertEquals(State.WARN, failed.state());
    assertEquals("1 of 1 sources answered; the last config reload failed; the config read 3 h ago stays in force (the exporter's log says why)",
        failed.verdict().fact());
    Result ok = judge("sources", yaml, "sbtc_exporter_config_last_reload_successful 1\n", List.of("bitcoin"), Map.of());
    assertEquals(State.PASS, ok.state());
  }

  @Test
  void aPrunedBitcoinNodeFails() {
    String yaml = "bitcoin:\n  rpc_url: http://127.0.0.1:8332\n  cookie_file: /var/lib/bitcoind/.cookie\n";
    Result r = judge("bitcoin-node", yaml, """
        sbtc_bitcoin_blocks 924130
        sbtc_bitcoin_headers 924130
        sbtc_bitcoin_requirements_met{unmet="pruned"} 0
        sbtc_bitcoin_peers{direction="in"} 0
        sbtc_bitcoin_peers{direction="out"} 10
        sbtc_bitcoin_info{chain="main",version="28.0.0",subversion="/Satoshi:28.0.0/"} 1
        """, List.of("bitcoin"), Map.of());
    assertEquals(State.FAIL, r.state());
    assertEquals("the node prunes blocks; the signer needs them all (Bitcoin Core 28.0.0 on main, height 924,130, 0 blocks behind its headers, "
        + "10 peers)", r.verdict().fact());
  }

  @Test
  void aSignerWithoutPeersFailsAndTheRelayPrefixIsHonoured() {
    String yaml = "signer:\n  metrics_url: http://127.0.0.1:9184/metrics\n  info_url: http://127.0.0.1:8801/info\n  relay_prefix: relay_\n";
    Result r = judge("signer", yaml, """
        sbtc_signer_bitcoin_lag_blocks 0
        relay_peers_connected{app="signer"} 0
        peers_connected{app="signer"} 7
        """, List.of("signer_info", "signer_metrics"), Map.of());
    assertEquals(State.FAIL, r.state());
    assertEquals("no P2P peers: it cannot sign with the signer set (Bitcoin lag 0 blocks, 0 P2P peers)", r.verdict().fact());
  }

  @Test
  void aSectionLeftOutIsUnknownAndSaysWhatToAdd() {
    Scorecard card = Checklist.evaluate(readings("{}", "", List.of(), Map.of()));
    for (Result r : card.results()) {
      if (r.state() == State.MANUAL) {
        assertTrue(r.verdict().hint().orElseThrow().endsWith("?"), r.item().id() + " asks a question");
        continue;
      }
      assertEquals(State.UNKNOWN, r.state(), r.item().id() + ": " + r.verdict());
      assertTrue(r.verdict().hint().orElseThrow().startsWith("add "), r.item().id() + ": " + r.verdict().hint());
    }
    assertEquals(Scorecard.EXIT_OK, card.exitCode(), "nothing fails when nothing is configured; nothing passes either");
    assertEquals(0, card.counts().get(State.PASS));
  }

  @Test
  void everyItemHasAUniqueIdAndOnlyManualOnesLackMetrics() {
    Set<String> ids = new HashSet<>();
    Scorecard card = Checklist.evaluate(readings("{}", "", List.of(), Map.of()));
    for (Result r : card.results()) {
      assertTrue(ids.add(r.item().id()), "duplicate id " + r.item().id());
      assertTrue(r.item().id().matches("[a-z0-9-]+"), r.item().id());
      assertEquals(r.state() == State.MANUAL && !r.item().id().equals("alerting"), r.item().metrics().isEmpty(), r.item().id());
    }
    assertFalse(ids.isEmpty());
  }
}
