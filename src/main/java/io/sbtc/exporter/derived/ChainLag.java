package io.sbtc.exporter.derived;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.bitcoin.BitcoinSource;
import io.sbtc.exporter.source.signer.SignerInfoSource;
import io.sbtc.exporter.source.stacks.StacksSource;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How far behind each part of the stack is, in blocks: the Stacks node behind the Bitcoin node,
 * and the signer behind each node. Computed at scrape time from fresh snapshots only, so a lag is
 * absent (never 0) when either side is missing or stale, and a dead source cannot hide a lag.
 *
 * <p>The signer's lags compare with the exporter's own node sources when those are configured;
 * without them, with the node tips the signer itself reports in {@code /info}. A configured node
 * source that is down is not replaced by the signer's view: the lag is then absent.
 */
public final class ChainLag implements DerivedMetrics {
  private final boolean bitcoinConfigured;
  private final boolean stacksConfigured;

  public ChainLag(boolean bitcoinConfigured, boolean stacksConfigured) {
    this.bitcoinConfigured = bitcoinConfigured;
    this.stacksConfigured = stacksConfigured;
  }

  @Override
  public List<MetricSnapshot> derive(Map<String, SourceSnapshot> fresh) {
    OptionalDouble bitcoinTip = gauge(fresh, BitcoinSource.NAME, BitcoinSource.BLOCKS);
    OptionalDouble stacksTip = gauge(fresh, StacksSource.NAME, StacksSource.TIP_HEIGHT);
    OptionalDouble burnTip = gauge(fresh, StacksSource.NAME, StacksSource.BURN_BLOCK_HEIGHT);
    OptionalDouble bitcoinReference = bitcoinConfigured ? bitcoinTip : gauge(fresh, SignerInfoSource.NAME, SignerInfoSource.BITCOIN_NODE_TIP);
    OptionalDouble stacksReference = stacksConfigured ? stacksTip : gauge(fresh, SignerInfoSource.NAME, SignerInfoSource.STACKS_NODE_TIP);

    return new Metrics()
        .gauge("sbtc_stacks_burn_block_lag_blocks",
            "Bitcoin blocks the Stacks node is behind the Bitcoin node (sbtc_bitcoin_blocks - sbtc_stacks_burn_block_height); absent unless both sources are fresh.",
            difference(bitcoinTip, burnTip))
        .gauge("sbtc_signer_bitcoin_lag_blocks",
            "Bitcoin blocks the signer's tip is behind the Bitcoin node's (the bitcoin source, else the node tip in the signer's /info); absent unless both are fresh.",
            difference(bitcoinReference, gauge(fresh, SignerInfoSource.NAME, SignerInfoSource.BITCOIN_TIP)))
        .gauge("sbtc_signer_stacks_lag_blocks",
            "Stacks blocks the signer's tip is behind the Stacks node's (the stacks source, else the node tip in the signer's /info); the signer moves its Stacks tip once per Bitcoin block, so this grows between Bitcoin blocks; absent unless both are fresh.",
            difference(stacksReference, gauge(fresh, SignerInfoSource.NAME, SignerInfoSource.STACKS_TIP)))
        .build();
  }

  private static OptionalDouble gauge(Map<String, SourceSnapshot> fresh, String source, String name) {
    SourceSnapshot s = fresh.get(source);
    return s == null ? OptionalDouble.empty() : s.gauge(name);
  }

  private static OptionalDouble difference(OptionalDouble ahead, OptionalDouble behind) {
    return ahead.isPresent() && behind.isPresent() ? OptionalDouble.of(ahead.getAsDouble() - behind.getAsDouble()) : OptionalDouble.empty();
  }
}
