package io.sbtc.exporter.check;

import io.sbtc.exporter.core.ConfigReloads;
import io.sbtc.exporter.core.SourceView;
import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.bitcoin.BitcoinSource;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.source.release.Component;
import io.sbtc.exporter.source.release.ReleaseFeedSource;
import io.sbtc.exporter.source.release.VersionsConfig;
import io.sbtc.exporter.source.signer.SignerConfig;
import io.sbtc.exporter.source.signer.SignerInfoSource;
import io.sbtc.exporter.source.signer.SignerMetricsSource;
import io.sbtc.exporter.source.stacks.StacksConfig;
import io.sbtc.exporter.source.stacks.StacksSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Items about the running services: the signer, its nodes, the exporter's sources, versions. Lags,
 * peer minimums and tip ages are shown, not judged: their limits are the sbtc_threshold:* rules in
 * the alert file, which the exporter does not read, so judging them here would use other limits.
 */
final class ServiceChecks {
  private ServiceChecks() {}

  /** As SbtcSignerMetricsDown. */
  static Verdict signerMetrics(Readings r) {
    if (r.config().section(SignerConfig.class).flatMap(SignerConfig::metricsUrl).isEmpty()) {
      return Verdict.notConfigured("the signer's metrics endpoint is not watched",
          "add signer.metrics_url (the signer's prometheus_exporter_endpoint, port 9184 by default)");
    }
    Optional<Verdict> down = down(r, SignerMetricsSource.NAME, "the signer refuses the exporter");
    if (down.isPresent()) {
      return down.get();
    }
    return Verdict.pass("enabled: " + Facts.count(r.value("sbtc_signer_metrics_relayed_series").orElse(0)) + " series relayed");
  }

  /** As SbtcSourceDown and SbtcSourceNeverUp: a source that does not answer leaves its alerts blind. */
  static Verdict sources(Readings r) {
    Parts parts = new Parts();
    // As SbtcExporterConfigReloadFailed: the sources are then those of an older config than the file's.
    if (r.value(ConfigReloads.SUCCESSFUL).orElse(1) == 0) {
      OptionalDouble at = r.value(ConfigReloads.SUCCESS_TIMESTAMP);
      parts.add(State.WARN, "the last config reload failed; the config read "
          + (at.isPresent() ? Facts.duration(r.now().getEpochSecond() - at.getAsDouble()) + " ago " : "before ")
          + "stays in force (the exporter's log says why)");
    }
    if (r.views().isEmpty() && parts.isEmpty()) {
      return Verdict.notConfigured("no source is configured", "add sections to the config file (see examples/config.yml)");
    }
    int answered = 0;
    for (SourceView v : r.views()) {
      Optional<String> problem = r.problem(v.name());
      if (problem.isPresent()) {
        // Here a refused login fails too: the source is blind, whoever is at fault.
        parts.add(r.failure(v.name()).isPresent() ? State.FAIL : State.UNKNOWN, problem.get());
      } else {
        answered++;
      }
    }
    int total = r.views().size();
    if (parts.isEmpty()) {
      return Verdict.pass("all " + total + " sources answered");
    }
    Verdict detail = parts.verdict();
    return new Verdict(detail.state(), answered + " of " + total + " sources answered; " + detail.fact(), Optional.empty());
  }

  /** The node down is a failure: the signer cannot work without it (SbtcSourceDown for the source). */
  static Verdict bitcoinNode(Readings r) {
    if (r.config().section(BitcoinConfig.class).isEmpty()) {
      return Verdict.notConfigured("the Bitcoin node is not watched", "add bitcoin (its RPC URL and cookie file)");
    }
    Optional<Verdict> down = down(r, BitcoinSource.NAME, "the exporter's RPC login is refused; the node may be fine");
    if (down.isPresent()) {
      return down.get();
    }
    if (r.value("sbtc_bitcoin_warming_up").orElse(0) == 1) {
      return Verdict.warn("the node is still starting (RPC error -28: loading or verifying blocks)");
    }
    String version = r.samples("sbtc_bitcoin_info").stream().findFirst()
        .map(s -> "Bitcoin Core " + s.label("version") + " on " + s.label("chain")).orElse("Bitcoin Core");
    OptionalDouble blocks = r.value("sbtc_bitcoin_blocks");
    OptionalDouble headers = r.value("sbtc_bitcoin_headers");
    double peers = r.samples("sbtc_bitcoin_peers").stream().mapToDouble(Readings.Sample::value).sum();
    String fact = version
        + (blocks.isPresent() ? ", height " + Facts.count(blocks.getAsDouble()) : "")
        + (blocks.isPresent() && headers.isPresent() ? ", " + Facts.count(headers.getAsDouble() - blocks.getAsDouble()) + " blocks behind its headers" : "")
        + ", " + Facts.count(peers) + " peers";
    if (r.value("sbtc_bitcoin_initial_block_download").orElse(0) == 1) {
      return Verdict.fail("in initial block download, " + Math.round(100 * r.value("sbtc_bitcoin_verification_progress").orElse(0))
          + "% verified (" + fact + ")");
    }
    Optional<Readings.Sample> requirements = r.samples("sbtc_bitcoin_requirements_met").stream().findFirst();
    if (requirements.isPresent() && requirements.get().value() == 0) {
      String unmet = requirements.get().label("unmet");
      return Verdict.fail((unmet.equals("pruned") ? "the node prunes blocks; the signer needs them all"
          : unmet.equals("version") ? "older than Bitcoin Core 25, which the signer needs" : "does not meet the signer's needs (" + unmet + ")")
          + " (" + fact + ")");
    }
    if (r.value("sbtc_bitcoin_warnings").orElse(0) == 1) {
      return Verdict.warn("the node reports a warning (bitcoin-cli getblockchaininfo) (" + fact + ")");
    }
    return Verdict.pass(fact + (r.value("sbtc_bitcoin_pruned").orElse(1) == 0 ? ", unpruned" : ""));
  }

  static Verdict stacksNode(Readings r) {
    if (r.config().section(StacksConfig.class).isEmpty()) {
      return Verdict.notConfigured("the Stacks node is not watched", "add stacks (its RPC URL, port 20443 by default)");
    }
    Optional<Verdict> down = down(r, StacksSource.NAME, "the node refuses the exporter");
    if (down.isPresent()) {
      return down.get();
    }
    String fact = r.samples("sbtc_stacks_info").stream().findFirst().map(s -> s.label("server_version").split(" \\(")[0]).orElse("Stacks node")
        + r.value(StacksSource.TIP_HEIGHT).stream().mapToObj(h -> ", tip height " + Facts.count(h)).findFirst().orElse("")
        + r.value("sbtc_stacks_burn_block_lag_blocks").stream().mapToObj(l -> ", " + Facts.count(l) + " Bitcoin blocks behind").findFirst().orElse("")
        + ", " + Facts.count(r.samples("sbtc_stacks_peers").stream().mapToDouble(Readings.Sample::value).sum()) + " peers";
    if (r.value("sbtc_stacks_fully_synced").orElse(1) == 0) {
      return Verdict.fail("not fully synced (/v2/info is_fully_synced false; " + fact + ")");
    }
    return Verdict.pass(fact);
  }

  /** The signer as /info and its metrics show it; 0 peers is a failure whatever the alert's minimum. */
  static Verdict signer(Readings r) {
    if (r.config().section(SignerConfig.class).flatMap(SignerConfig::infoUrl).isEmpty()) {
      return Verdict.notConfigured("the signer's /info is not watched", "add signer.info_url (the signer's event observer, port 8801 by default)");
    }
    Optional<Verdict> down = down(r, SignerInfoSource.NAME, "the signer refuses the exporter");
    if (down.isPresent()) {
      return down.get();
    }
    List<String> facts = new ArrayList<>();
    r.value("sbtc_signer_bitcoin_lag_blocks").ifPresent(l -> facts.add("Bitcoin lag " + Facts.count(l) + " blocks"));
    r.value("sbtc_signer_stacks_lag_blocks").ifPresent(l -> facts.add("Stacks lag " + Facts.count(l) + " blocks"));
    OptionalDouble peers = r.value(r.relayed("peers_connected"));
    if (peers.isPresent()) {
      facts.add(Facts.count(peers.getAsDouble()) + " P2P peers");
    } else if (r.source(SignerMetricsSource.NAME).filter(SourceView::up).isPresent()) {
      facts.add("no peers_connected yet (the signer reports it from its first peer on)");
    }
    String fact = String.join(", ", facts);
    if (peers.isPresent() && peers.getAsDouble() == 0) {
      return Verdict.fail("no P2P peers: it cannot sign with the signer set (" + fact + ")");
    }
    return Verdict.pass(fact.isEmpty() ? "answers" : fact);
  }

  /**
   * As SbtcSignerDkgKeyMismatch: the key the signer signs with (its newest verified shares, from
   * signer_db) against the contract. With /info alone only the newest key of any status is known,
   * which differs on a healthy signer during a rotation: a warning, as SbtcSignerDkgKeyUnconfirmed.
   */
  static Verdict dkgKey(Readings r) {
    if (r.config().section(SignerConfig.class).flatMap(SignerConfig::infoUrl).isEmpty()) {
      return Verdict.notConfigured("the contract's key is not known", "add signer.info_url (the signer's event observer, port 8801 by default)");
    }
    Optional<Verdict> down = down(r, SignerInfoSource.NAME, "the signer refuses the exporter");
    if (down.isPresent()) {
      return down.get();
    }
    String status = r.samples("sbtc_signer_dkg_latest_shares_status").stream().filter(s -> s.value() == 1).map(s -> s.label("status"))
        .findFirst().map(s -> "; newest DKG shares " + s
            + r.value("sbtc_signer_dkg_latest_shares_created_timestamp_seconds").stream()
                .mapToObj(t -> ", stored " + Facts.duration(r.nowSeconds() - t) + " ago").findFirst().orElse(""))
        .orElse("");
    OptionalDouble verified = r.value("sbtc_signer_dkg_verified_key_matches_contract");
    if (verified.isPresent()) {
      return verified.getAsDouble() == 1 ? Verdict.pass("the verified DKG key is the contract's" + status)
          : Verdict.fail("the verified DKG key, which the signer signs with, is not the contract's" + status);
    }
    OptionalDouble latest = r.value("sbtc_signer_dkg_latest_key_matches_contract");
    String noDb = r.config().section(SignerDbConfig.class).isEmpty() ? " (add signer_db to compare the verified key)" : "";
    if (latest.isEmpty()) {
      return Verdict.unknown("no DKG key to compare yet" + status + noDb);
    }
    return latest.getAsDouble() == 1 ? Verdict.pass("the newest DKG key is the contract's" + status + noDb)
        : Verdict.warn("the newest DKG key differs from the contract's, as during a rotation" + status + noDb);
  }

  /** As SbtcVersionBelowMinimum and SbtcVersionUnparsable, against versions.minimum. */
  static Verdict versions(Readings r) {
    Map<String, String> minimum = r.config().section(VersionsConfig.class).map(VersionsConfig::minimum).orElse(Map.of());
    if (minimum.isEmpty()) {
      return Verdict.notConfigured("no minimum version is set", "add versions.minimum (at least bitcoind: \"25.0\", which the signer needs)");
    }
    Parts parts = new Parts();
    for (Component c : Component.values()) {
      String component = c.key();
      String min = minimum.get(component);
      if (min == null) {
        continue;
      }
      Optional<Readings.Sample> below = r.samples("sbtc_version_below_minimum").stream().filter(s -> s.label("component").equals(component)).findFirst();
      Optional<Readings.Sample> unparsable = r.samples("sbtc_version_unparsable").stream().filter(s -> s.label("component").equals(component)).findFirst();
      if (below.isPresent()) {
        String running = below.get().label("running");
        parts.add(below.get().value() == 1 ? State.FAIL : State.PASS,
            component + " " + running + (below.get().value() == 1 ? " is below the minimum " : " (minimum ") + min + (below.get().value() == 1 ? "" : ")"));
      } else if (unparsable.isPresent()) {
        parts.add(State.WARN, component + " reports \"" + unparsable.get().label("running") + "\", which cannot be compared with " + min);
      } else {
        parts.add(State.UNKNOWN, component + ": no version read (is its source configured and up?)");
      }
    }
    return parts.verdict();
  }

  /** sbtc_release_behind is shown as a warning at once; the alert waits for the rule's grace period. */
  static Verdict releases(Readings r) {
    if (r.config().section(VersionsConfig.class).flatMap(VersionsConfig::releaseFeed).isEmpty()) {
      return Verdict.notConfigured("releases are not compared",
          "add versions.release_feed (needs outbound HTTPS), or compare the running versions with the release notes by hand");
    }
    Optional<Verdict> cannotJudge = r.cannotJudge(ReleaseFeedSource.NAME);
    if (cannotJudge.isPresent()) {
      return cannotJudge.get();
    }
    Parts parts = new Parts();
    for (Readings.Sample s : r.samples("sbtc_release_behind")) {
      String component = s.label("component");
      String latest = r.samples("sbtc_release_latest_info").stream().filter(x -> x.label("component").equals(component))
          .map(x -> x.label("version")).findFirst().orElse("?");
      parts.add(s.value() == 1 ? State.WARN : State.PASS,
          component + (s.value() == 1 ? ": " + latest + " is out, a newer release than the one running" : " runs the newest release " + latest));
    }
    return parts.isEmpty() ? Verdict.unknown("no running version could be compared with a release") : parts.verdict();
  }

  /** A source without fresh data: a failure when its poll failed, unknown while pending or when only the exporter's login is refused. */
  private static Optional<Verdict> down(Readings r, String source, String whenRefused) {
    Optional<String> problem = r.problem(source);
    if (problem.isEmpty()) {
      return Optional.empty();
    }
    if (r.whenDown(source) == State.FAIL) {
      return Optional.of(Verdict.fail(problem.get()));
    }
    boolean refused = r.failure(source).isPresent();
    return Optional.of(Verdict.unknown("cannot judge: " + problem.get() + (refused ? " (" + whenRefused + ")" : "")));
  }
}
