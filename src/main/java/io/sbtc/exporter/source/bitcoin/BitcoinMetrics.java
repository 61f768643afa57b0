package io.sbtc.exporter.source.bitcoin;

import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.TipTracker;
import io.sbtc.exporter.source.bitcoin.NodeReadings.ChainInfo;
import io.sbtc.exporter.source.bitcoin.NodeReadings.Mempool;
import io.sbtc.exporter.source.bitcoin.NodeReadings.NetworkInfo;
import io.sbtc.exporter.source.bitcoin.NodeReadings.TxIndex;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Turns what one poll read from bitcoind into {@code sbtc_bitcoin_*} families; what was not read stays absent. */
final class BitcoinMetrics {
  /** The signer needs Bitcoin Core 25 or newer. */
  static final long MIN_VERSION = 250000;
  /**
   * The highest fee rate the signer will pay, in sat/vB (stacks-sbtc/sbtc signer/src/lib.rs:77,
   * MAX_BITCOIN_FEE_RATE): a node whose mempool asks more accepts none of the signer's sweeps.
   */
  static final double MAX_SIGNER_FEE_RATE = 1000.0;

  private static final String PEERS_HELP = "Peer connections of the node by direction, in or out (getnetworkinfo).";

  private BitcoinMetrics() {}

  /** Everything one poll learned; an empty field is a call that failed or a field the node did not send. */
  record Readings(
      boolean warmingUp,
      Optional<ChainInfo> chain,
      Optional<NetworkInfo> network,
      Optional<Mempool> mempool,
      Optional<TxIndex> txIndex,
      OptionalLong uptime,
      OptionalLong tipTime,
      Optional<Instant> tipChanged) {}

  static List<MetricSnapshot> of(Readings r) {
    Metrics m = new Metrics().flag("sbtc_bitcoin_warming_up",
        "1 if bitcoind answers RPC with error -28 because it is still starting (loading its block index), 0 otherwise.",
        r.warmingUp());
    r.chain().ifPresent(c -> m
        .gauge(BitcoinSource.BLOCKS, "Height of the node's best validated block (getblockchaininfo blocks).", c.blocks())
        .gauge("sbtc_bitcoin_headers", "Height of the best block header the node knows (getblockchaininfo headers).", c.headers())
        .gauge("sbtc_bitcoin_verification_progress", "Estimated fraction of the chain verified, 0 to 1 (getblockchaininfo).",
            c.verificationProgress())
        .gauge("sbtc_bitcoin_size_on_disk_bytes", "Size of the block and undo files on disk.", c.sizeOnDisk()));
    r.chain().flatMap(ChainInfo::initialBlockDownload).ifPresent(ibd -> m.flag("sbtc_bitcoin_initial_block_download",
        "1 if the node is in initial block download, 0 otherwise.", ibd));
    r.chain().flatMap(ChainInfo::pruned).ifPresent(p -> m.flag("sbtc_bitcoin_pruned",
        "1 if the node prunes old blocks, 0 otherwise. The signer needs an unpruned node.", p));
    m.gauge("sbtc_bitcoin_tip_timestamp_seconds", "Block time of the node's best block (getblockchaininfo time; getblockheader before v23), Unix seconds.", r.tipTime());
    r.tipChanged().ifPresent(t -> m.gauge("sbtc_bitcoin_tip_changed_timestamp_seconds",
        "Unix time when this exporter last saw the node's best block hash change (or first saw it, after the exporter started).",
        TipTracker.seconds(t)));
    r.network().ifPresent(n -> {
      // Two families of one name: the core merges them into one, as it does across sources.
      n.peersIn().ifPresent(v -> m.gauge("sbtc_bitcoin_peers", PEERS_HELP, Labels.of("direction", "in"), v));
      n.peersOut().ifPresent(v -> m.gauge("sbtc_bitcoin_peers", PEERS_HELP, Labels.of("direction", "out"), v));
      n.networkActive().ifPresent(a -> m.flag("sbtc_bitcoin_network_active",
          "1 if the node's P2P networking is enabled (getnetworkinfo networkactive), 0 otherwise.", a));
    });
    r.mempool().ifPresent(p -> m
        .gauge("sbtc_bitcoin_mempool_transactions", "Transactions in the node's mempool.", p.transactions())
        .gauge("sbtc_bitcoin_mempool_vbytes", "Sum of the virtual sizes of the transactions in the mempool, in vbytes (getmempoolinfo bytes): not bytes of memory.", p.bytes())
        .gauge("sbtc_bitcoin_mempool_min_fee_sats_per_vbyte",
            "Lowest fee rate the node's mempool accepts now, in sat/vB (getmempoolinfo mempoolminfee); above the relay fee while the mempool is full.",
            p.minFee())
        .gauge("sbtc_bitcoin_min_relay_fee_sats_per_vbyte",
            "The node's configured minimum relay fee rate, in sat/vB (getmempoolinfo minrelaytxfee).", p.minRelayFee()));
    r.txIndex().ifPresent(t -> {
      m.flag("sbtc_bitcoin_txindex_enabled", "1 if the node keeps a transaction index (-txindex; getindexinfo), 0 otherwise.", t.enabled());
      t.synced().ifPresent(s -> m.flag("sbtc_bitcoin_txindex_synced",
          "1 if the node's transaction index has caught up with its chain (getindexinfo txindex.synced), 0 otherwise; absent without -txindex.", s));
      m.gauge("sbtc_bitcoin_txindex_height",
          "Height of the last block in the node's transaction index (getindexinfo txindex.best_block_height); absent without -txindex.", t.height());
    });
    m.gauge("sbtc_bitcoin_uptime_seconds", "Seconds since the node started (uptime).", r.uptime());
    warning(r).ifPresent(w -> m.flag("sbtc_bitcoin_warnings",
        "1 if the node reports a warning in getblockchaininfo or getnetworkinfo, 0 otherwise.", w));
    unmet(r).ifPresent(u -> m.gauge("sbtc_bitcoin_requirements_met",
        "1 if the node meets the signer's needs (unpruned, Bitcoin Core 25 or newer, a mempool that accepts the signer's highest fee rate), 0 otherwise; label unmet names the first need not met (pruned, version or mempool_min_fee), empty when all are met.",
        Labels.of("unmet", u), u.isEmpty() ? 1 : 0));
    if (r.chain().isPresent() || r.network().isPresent()) {
      m.info(BitcoinSource.INFO_FAMILY, "Always 1; the node's chain and version in labels (empty when unknown).", Labels.of(
          "chain", r.chain().flatMap(ChainInfo::chain).orElse(""),
          "version", r.network().map(NetworkInfo::version).filter(OptionalLong::isPresent)
              .map(v -> NodeReadings.versionText(v.getAsLong())).orElse(""),
          BitcoinSource.INFO_SUBVERSION, r.network().flatMap(NetworkInfo::subversion).orElse("")));
    }
    return m.build();
  }

  /** 1 if either call reports a warning; absent only when neither said anything. */
  private static Optional<Boolean> warning(Readings r) {
    Optional<Boolean> chain = r.chain().flatMap(ChainInfo::warning);
    Optional<Boolean> network = r.network().flatMap(NetworkInfo::warning);
    if (chain.isEmpty() && network.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(chain.orElse(false) || network.orElse(false));
  }

  /** The first unmet requirement, {@code ""} when all are met, empty when that is not known. */
  private static Optional<String> unmet(Readings r) {
    Optional<Boolean> pruned = r.chain().flatMap(ChainInfo::pruned);
    OptionalLong version = r.network().map(NetworkInfo::version).orElse(OptionalLong.empty());
    OptionalDouble minFee = r.mempool().map(Mempool::minFee).orElse(OptionalDouble.empty());
    if (pruned.orElse(false)) {
      return Optional.of("pruned");
    }
    if (version.isPresent() && version.getAsLong() < MIN_VERSION) {
      return Optional.of("version");
    }
    if (minFee.isPresent() && minFee.getAsDouble() > MAX_SIGNER_FEE_RATE) {
      return Optional.of("mempool_min_fee");
    }
    return pruned.isPresent() && version.isPresent() && minFee.isPresent() ? Optional.of("") : Optional.empty();
  }
}
