package io.sbtc.exporter.source.signer;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.common.Redact;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Json;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Optional;

/**
 * {@code signer_info}: the signer's {@code /info} endpoint, which reports the signer's own view of
 * both chains next to what its nodes report, its DKG state and its build.
 */
public final class SignerInfoSource implements Source {
  public static final String NAME = "signer_info";
  public static final String LATEST_KEY_MATCHES_CONTRACT = "sbtc_signer_dkg_latest_key_matches_contract";
  /** Read by the verified-key check, without the {@code _info} suffix as {@link Metrics#info} takes it. */
  public static final String CONTRACT_KEY = "sbtc_signer_dkg_contract_aggregate_key";
  /** The signer's tips and its nodes' tips as it sees them, read by the chain lags. */
  public static final String BITCOIN_TIP = "sbtc_signer_bitcoin_tip_height";
  public static final String BITCOIN_NODE_TIP = "sbtc_signer_bitcoin_node_tip_height";
  public static final String STACKS_TIP = "sbtc_signer_stacks_tip_height";
  public static final String STACKS_NODE_TIP = "sbtc_signer_stacks_node_tip_height";
  /** The info family whose labels carry the signer's build and its nodes' versions, read by the version check. */
  public static final String INFO_FAMILY = "sbtc_signer";
  public static final String INFO_GIT_REVISION = "git_revision";
  public static final String INFO_BITCOIN_NODE_SUBVERSION = "bitcoin_node_subversion";
  public static final String INFO_STACKS_NODE_VERSION = "stacks_node_version";
  /** /info is a few hundred bytes; anything near this is not the signer. */
  private static final long MAX_INFO_BYTES = 1L << 20;

  private final UpstreamHttp http;
  private final URI url;

  public SignerInfoSource(Vertx vertx, SignerConfig config) {
    this.http = new UpstreamHttp(vertx, config.tlsCaFile(), Math.min(MAX_INFO_BYTES, config.maxBodySize()));
    this.url = config.infoUrl().orElseThrow();
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    String where = Redact.url(url.toString());
    MultiMap accept = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json");
    return http.get(url, accept, poll.deadline())
        .map(response -> SourceSnapshot.of(read(Json.parse(response.text(where), where), where).build()));
  }

  /** Field paths follow the signer's {@code /info} JSON; every optional field may be null. */
  static Metrics read(JsonNode info, String where) {
    Metrics m = new Metrics()
        .gauge(BITCOIN_TIP, "Height of the Bitcoin block the signer has processed as its tip (from /info).",
            Json.count(info, "/bitcoin/signer_tip/block_height", where))
        .gauge(BITCOIN_NODE_TIP, "Height of the Bitcoin node's tip as the signer sees it (from /info).",
            Json.count(info, "/bitcoin/node_tip/block_height", where))
        .gauge(STACKS_TIP,
            "Height of the Stacks block the signer has processed as its tip (from /info); it moves once per Bitcoin block.",
            Json.count(info, "/stacks/signer_tip/block_height", where))
        .gauge(STACKS_NODE_TIP, "Height of the Stacks node's tip as the signer sees it (from /info).",
            Json.count(info, "/stacks/node_tip/block_height", where))
        .gauge("sbtc_signer_stacks_node_bitcoin_block_height",
            "The Bitcoin (burn) block height that the signer's Stacks node reports (from /info).",
            Json.count(info, "/stacks/node_bitcoin_block_height", where))
        .gauge("sbtc_signer_dkg_rounds", "DKG rounds the signer has stored that did not fail (from /info).",
            Json.count(info, "/dkg/rounds", where));

    // current_aggregate_key is the newest dkg_shares row of any status (the signer's api/info.rs
    // populate_dkg_info reads get_latest_encrypted_dkg_shares, which has no status filter): after a
    // failed or not yet verified round it differs from the contract while the signer is fine.
    Optional<String> latest = Json.text(info, "/dkg/current_aggregate_key", where);
    Optional<String> contract = Json.text(info, "/dkg/contract_aggregate_key", where);
    if (latest.isPresent() && contract.isPresent()) {
      m.flag(LATEST_KEY_MATCHES_CONTRACT,
          "1 if the aggregate key of the signer's newest DKG round, whatever its status (/info dkg.current_aggregate_key), equals"
              + " the sBTC registry contract's, 0 if not; absent when either is unknown.",
          latest.get().equalsIgnoreCase(contract.get()));
    }
    contract.ifPresent(key -> m.info(CONTRACT_KEY, "Always 1; the aggregate key in the sBTC registry contract as the signer reads it"
        + " (/info dkg.contract_aggregate_key) in a label; absent when unknown.", Labels.of("aggregate_key", key)));
    m.info(INFO_FAMILY, "Always 1; the signer's build and chain facts from /info in labels.", Labels.of(
        "network", Json.text(info, "/config/network", where).orElse(""),
        "deployer", Json.text(info, "/config/deployer", where).orElse(""),
        INFO_GIT_REVISION, Json.text(info, "/build_info/git_revision", where).orElse(""),
        "rust_version", Json.text(info, "/build_info/rust_version", where).orElse(""),
        "target_arch", Json.text(info, "/build_info/target_arch", where).orElse(""),
        "bitcoin_node_chain", Json.text(info, "/bitcoin/node_chain", where).orElse(""),
        INFO_BITCOIN_NODE_SUBVERSION, Json.text(info, "/bitcoin/node_subversion", where).orElse(""),
        INFO_STACKS_NODE_VERSION, Json.text(info, "/stacks/node_version", where).orElse("")));
    return m;
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
