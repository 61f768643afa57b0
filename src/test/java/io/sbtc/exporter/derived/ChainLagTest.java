package io.sbtc.exporter.derived;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The lag arithmetic and which inputs it takes, on snapshots built by hand. */
class ChainLagTest {
  static final SourceSnapshot BITCOIN = SourceSnapshot.of(new Metrics().gauge("sbtc_bitcoin_blocks", "", 873000).build());
  static final SourceSnapshot STACKS = SourceSnapshot.of(new Metrics()
      .gauge("sbtc_stacks_tip_height", "", 305871)
      .gauge("sbtc_stacks_burn_block_height", "", 872999).build());
  static final SourceSnapshot SIGNER = SourceSnapshot.of(new Metrics()
      .gauge("sbtc_signer_bitcoin_tip_height", "", 872998)
      .gauge("sbtc_signer_bitcoin_node_tip_height", "", 873001)
      .gauge("sbtc_signer_stacks_tip_height", "", 305790)
      .gauge("sbtc_signer_stacks_node_tip_height", "", 305880).build());

  static Map<String, Double> derive(boolean bitcoinConfigured, boolean stacksConfigured, Map<String, SourceSnapshot> fresh) {
    Map<String, Double> out = new TreeMap<>();
    for (MetricSnapshot m : new ChainLag(bitcoinConfigured, stacksConfigured).derive(fresh)) {
      for (GaugeSnapshot.GaugeDataPointSnapshot p : ((GaugeSnapshot) m).getDataPoints()) {
        out.put(m.getMetadata().getName(), p.getValue());
      }
    }
    return out;
  }

  static Map<String, SourceSnapshot> fresh(Object... nameThenSnapshot) {
    Map<String, SourceSnapshot> m = new HashMap<>();
    for (int i = 0; i < nameThenSnapshot.length; i += 2) {
      m.put((String) nameThenSnapshot[i], (SourceSnapshot) nameThenSnapshot[i + 1]);
    }
    return m;
  }

  @Test
  void allFreshGivesEveryLagAgainstTheExportersOwnNodes() {
    assertEquals(Map.of(
            "sbtc_stacks_burn_block_lag_blocks", 1.0,
            "sbtc_signer_bitcoin_lag_blocks", 2.0,
            "sbtc_signer_stacks_lag_blocks", 81.0),
        derive(true, true, fresh("bitcoin", BITCOIN, "stacks", STACKS, "signer_info", SIGNER)));
  }

  @Test
  void withoutNodeSourcesTheSignersOwnViewOfItsNodesIsUsed() {
    assertEquals(Map.of("sbtc_signer_bitcoin_lag_blocks", 3.0, "sbtc_signer_stacks_lag_blocks", 90.0),
        derive(false, false, fresh("signer_info", SIGNER)));
  }

  @Test
  void aConfiguredNodeSourceThatIsNotFreshIsNotReplacedByTheSignersView() {
    assertEquals(Map.of("sbtc_signer_stacks_lag_blocks", 81.0),
        derive(true, true, fresh("stacks", STACKS, "signer_info", SIGNER)));
    assertEquals(Map.of("sbtc_signer_bitcoin_lag_blocks", 2.0),
        derive(true, true, fresh("bitcoin", BITCOIN, "signer_info", SIGNER)));
  }

  @Test
  void noSignerMeansNoSignerLag() {
    assertEquals(Map.of("sbtc_stacks_burn_block_lag_blocks", 1.0), derive(true, true, fresh("bitcoin", BITCOIN, "stacks", STACKS)));
  }

  @Test
  void signerWithoutTipsGivesNoLag() {
    SourceSnapshot noTips = SourceSnapshot.of(new Metrics().gauge("sbtc_signer_dkg_rounds", "", 0).build());
    assertEquals(Map.of("sbtc_stacks_burn_block_lag_blocks", 1.0),
        derive(true, true, fresh("bitcoin", BITCOIN, "stacks", STACKS, "signer_info", noTips)));
    assertEquals(Map.of(), derive(false, false, fresh("signer_info", noTips)));
  }
}
