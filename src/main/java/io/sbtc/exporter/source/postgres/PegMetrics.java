package io.sbtc.exporter.source.postgres;

import static io.sbtc.exporter.source.postgres.PegQueries.*;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import io.sbtc.exporter.source.Metrics;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sBTC pipeline as the signer's database shows it ({@code sbtc_signer_db_*}): deposits and
 * withdrawals waiting to be swept, the newest sweep, this signer's votes on recent requests and the
 * peers it dialed. Each query fails on its own, like the rest of {@code signer_db}.
 */
final class PegMetrics {
  static final String DEPOSIT = "deposit";
  static final String WITHDRAWAL = "withdrawal";

  /** Families with a {@code kind} label, filled by two queries each. */
  private final Map<String, GaugeSnapshot.Builder> byKind = new LinkedHashMap<>();

  private PegMetrics() {}

  static void read(SignerDbSource.Reader r, Metrics m, Optional<byte[]> configuredKey) {
    PegMetrics peg = new PegMetrics();
    r.query("pending_deposits", PENDING_DEPOSITS, rs -> peg.pending(DEPOSIT, rs));
    r.query("pending_withdrawals", PENDING_WITHDRAWALS, rs -> peg.pending(WITHDRAWAL, rs));
    r.query("last_sweep", LAST_SWEEP, rs -> lastSweep(m, rs));
    Optional<OwnKey> key = configuredKey.map(k -> new OwnKey(k, "config")).or(() -> derivedKey(r));
    key.ifPresent(k -> m.info("sbtc_signer_db_signer_public_key",
        "Always 1; the public key whose rows in the signer's decision tables count as this signer's votes, and where it comes"
            + " from (config: signer_db.signer_public_key; derived: the one member of the signer set the signer has not dialed).",
        Labels.of("public_key", HexFormat.of().formatHex(k.bytes()), "source", k.source())));
    byte[] bytes = key.map(OwnKey::bytes).orElse(null);
    List<byte[]> params = Arrays.asList(bytes, bytes);
    r.query("recent_deposit_votes", RECENT_DEPOSIT_VOTES, params, rs -> peg.votes(DEPOSIT, rs, key.isPresent()));
    r.query("recent_withdrawal_votes", RECENT_WITHDRAWAL_VOTES, params, rs -> peg.votes(WITHDRAWAL, rs, key.isPresent()));
    r.query("peers", PEERS, rs -> peers(m, rs));
    peg.byKind.values().forEach(b -> m.add(b.build()));
  }

  private record OwnKey(byte[] bytes, String source) {}

  private static Optional<OwnKey> derivedKey(SignerDbSource.Reader r) {
    List<byte[]> keys = new ArrayList<>();
    r.all("own_key_candidates", OWN_KEY_CANDIDATES, rs -> {
      while (rs.next()) {
        keys.add(rs.getBytes(1));
      }
    });
    return keys.size() == 1 ? Optional.of(new OwnKey(keys.get(0), "derived")) : Optional.empty();
  }

  private void pending(String kind, ResultSet rs) throws SQLException {
    point("sbtc_signer_db_pending_requests", "Requests waiting to be swept as the signer selects them for its next sweep (confirmed, accepted"
        + " by the signing threshold, neither swept nor expired nor rejected), by kind (deposit, withdrawal).", kind, rs.getLong(1));
    double oldest = rs.getDouble(2);
    if (!rs.wasNull()) {
      point("sbtc_signer_db_pending_oldest_timestamp_seconds",
          "Unix time when the signer stored the oldest request still waiting to be swept, by kind; absent when none waits.", kind, oldest);
    }
    point("sbtc_signer_db_pending_amount_sats", "Total amount of the requests waiting to be swept, in satoshis, by kind.", kind, rs.getLong(3));
  }

  private void votes(String kind, ResultSet rs, boolean keyKnown) throws SQLException {
    point("sbtc_signer_db_recent_requests", "Requests confirmed in the last " + RECENT_BLOCKS
        + " canonical Bitcoin blocks, by kind (withdrawals: made in them and confirmed on the canonical Stacks chain).", kind, rs.getLong(1));
    if (keyKnown) {
      point("sbtc_signer_db_recent_requests_voted", "Of those, the requests this signer stored its own decision for, by kind;"
          + " absent when its public key is unknown.", kind, rs.getLong(2));
      point("sbtc_signer_db_recent_requests_missed", "Of those, the requests another signer decided on and this signer did not, by"
          + " kind; it decides again at every block, so one that stays is a signer that does not vote. Absent when its key is unknown.",
          kind, rs.getLong(3));
    }
  }

  private static void lastSweep(Metrics m, ResultSet rs) throws SQLException {
    m.gauge("sbtc_signer_db_last_sweep_block_height", "Height of the newest canonical Bitcoin block holding a sweep (a transaction"
        + " spending the signers' UTXO), within the signer's " + CONTEXT_WINDOW_BLOCKS + "-block context window; absent when none.",
        rs.getLong(1));
    m.gauge("sbtc_signer_db_last_sweep_timestamp_seconds", "Unix time when the signer stored that block; absent when none.", rs.getDouble(2));
  }

  private static void peers(Metrics m, ResultSet rs) throws SQLException {
    m.gauge("sbtc_signer_db_known_peers", "Peers the signer has dialed successfully at least once and keeps for its next start"
        + " (rows of p2p_peers).", rs.getLong(1));
    m.gauge("sbtc_signer_db_peers_dialed_recently", "Of those, the peers it dialed successfully in the last " + RECENT_DIAL + ".", rs.getLong(2));
    double newest = rs.getDouble(3);
    if (!rs.wasNull()) {
      m.gauge("sbtc_signer_db_peer_last_dialed_timestamp_seconds", "Unix time of the signer's newest successful dial of a peer;"
          + " absent when it has dialed none.", newest);
    }
  }

  private void point(String name, String help, String kind, double value) {
    byKind.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help).unit(n.endsWith("_seconds") ? Unit.SECONDS : null))
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("kind", kind)).value(value).build());
  }
}
