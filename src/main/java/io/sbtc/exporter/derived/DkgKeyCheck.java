package io.sbtc.exporter.derived;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.postgres.SignerDbSource;
import io.sbtc.exporter.source.signer.SignerInfoSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the key the signer signs with is the key the sBTC registry contract holds. The signer
 * signs with its newest <em>verified</em> DKG shares, which only its database says; {@code /info}
 * reports the newest shares of any status, which differ from the contract after a failed round or
 * while a new one is being verified. So the comparison that can page needs both sources, fresh.
 */
public final class DkgKeyCheck implements DerivedMetrics {
  public static final String VERIFIED_KEY_MATCHES_CONTRACT = "sbtc_signer_dkg_verified_key_matches_contract";

  @Override
  public List<MetricSnapshot> derive(Map<String, SourceSnapshot> fresh) {
    Optional<String> verified = infoLabel(fresh.get(SignerDbSource.NAME), SignerDbSource.VERIFIED_KEY);
    Optional<String> contract = infoLabel(fresh.get(SignerInfoSource.NAME), SignerInfoSource.CONTRACT_KEY);
    Metrics m = new Metrics();
    if (verified.isPresent() && contract.isPresent()) {
      m.flag(VERIFIED_KEY_MATCHES_CONTRACT,
          "1 if the aggregate key of the signer's newest verified DKG shares (signer_db) equals the sBTC registry contract's"
              + " (/info), 0 if not; absent unless both sources are fresh and both keys known.",
          verified.get().equalsIgnoreCase(contract.get()));
    }
    return m.build();
  }

  private static Optional<String> infoLabel(SourceSnapshot snapshot, String name) {
    return snapshot == null ? Optional.empty() : snapshot.infoLabel(name, "aggregate_key");
  }
}
