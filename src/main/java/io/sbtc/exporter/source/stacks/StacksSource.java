package io.sbtc.exporter.source.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.common.Redact;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.source.Json;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.TipTracker;
import io.sbtc.exporter.source.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code stacks}: the Stacks node's RPC. {@code /v2/info}, {@code /v2/neighbors} and
 * {@code /v2/pox} are asked side by side, each a part of the poll: one that fails leaves the
 * others' metrics in place.
 */
public final class StacksSource implements Source {
  public static final String NAME = "stacks";
  /** Read by the cross-chain lag metrics. */
  public static final String TIP_HEIGHT = "sbtc_stacks_tip_height";
  public static final String BURN_BLOCK_HEIGHT = "sbtc_stacks_burn_block_height";
  /** The info family with the node's version string in label {@link #INFO_SERVER_VERSION}, read by the version check. */
  public static final String INFO_FAMILY = "sbtc_stacks";
  public static final String INFO_SERVER_VERSION = "server_version";

  static final String INFO = "/v2/info";
  static final String NEIGHBORS = "/v2/neighbors";
  static final String POX = "/v2/pox";
  /** /v2/neighbors lists every sampled peer; even a well-connected node stays far below this. */
  private static final long MAX_BODY_BYTES = 4L << 20;
  private static final String PEERS_HELP = "Peer connections of the node by direction, inbound or outbound (/v2/neighbors).";

  private final StacksConfig config;
  private final UpstreamHttp http;
  private final TipTracker tip;

  public StacksSource(Vertx vertx, StacksConfig config, Clock clock) {
    this.config = config;
    this.http = new UpstreamHttp(vertx, config.tlsCaFile(), MAX_BODY_BYTES);
    this.tip = new TipTracker(clock);
  }

  /** The RPC source, and with {@code metrics_url} the relay of the node's own metrics as a source of its own. */
  public static List<SourceSpec> specs(StacksConfig config, SourceContext context) {
    SourceSpec rpc = new SourceSpec(NAME, config.schedule(), config, () -> new StacksSource(context.vertx(), config, context.clock()));
    if (config.metricsUrl().isEmpty()) {
      return List.of(rpc);
    }
    return List.of(rpc, new SourceSpec(StacksMetricsSource.NAME, config.schedule(), config,
        () -> StacksMetricsSource.create(context.vertx(), config)));
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    List<Future<Optional<Consumer<Metrics>>>> parts = List.of(
        part(poll, INFO, this::info), part(poll, NEIGHBORS, StacksSource::neighbors), part(poll, POX, StacksSource::pox));
    return Future.join(parts).map(x -> {
      Metrics m = new Metrics();
      parts.forEach(p -> p.result().ifPresent(add -> add.accept(m)));
      return poll.snapshot(m.build());
    });
  }

  /** One endpoint: what it adds to the snapshot, or empty when it failed (the poll records why). */
  private Future<Optional<Consumer<Metrics>>> part(Poll poll, String path, Function<JsonNode, Consumer<Metrics>> reader) {
    URI url = endpoint(path);
    String where = Redact.url(url.toString());
    MultiMap accept = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json");
    // Read everything first, so a bad field drops this endpoint's metrics as a whole.
    return poll.part(path, http.get(url, accept, poll.partDeadline())
        .map(response -> reader.apply(Json.parse(response.text(where), where))));
  }

  private Consumer<Metrics> info(JsonNode r) {
    OptionalLong tipHeight = Json.count(r, "/stacks_tip_height", INFO);
    OptionalLong burnHeight = Json.count(r, "/burn_block_height", INFO);
    OptionalLong tenureHeight = Json.count(r, "/tenure_height", INFO);
    Optional<Boolean> synced = bool(r, "/is_fully_synced", INFO);
    OptionalLong networkId = Json.count(r, "/network_id", INFO);
    Optional<String> serverVersion = Json.text(r, "/server_version", INFO);
    // The block hash alone can repeat across forks at different heights; with the consensus hash it cannot.
    Optional<String> tipId = Json.text(r, "/stacks_tip", INFO)
        .map(hash -> Json.text(r, "/stacks_tip_consensus_hash", INFO).orElse("") + "/" + hash);
    Optional<Double> changed = tipId.map(tip::observe).map(TipTracker::seconds);
    return m -> {
      m.gauge(TIP_HEIGHT, "Height of the node's Stacks chain tip (/v2/info stacks_tip_height).", tipHeight)
          .gauge(BURN_BLOCK_HEIGHT, "Height of the Bitcoin (burn) block the node has processed (/v2/info burn_block_height).",
              burnHeight)
          .gauge("sbtc_stacks_tenure_height", "The node's tenure (coinbase) height, Stacks 3.0 and later (/v2/info tenure_height).",
              tenureHeight);
      synced.ifPresent(s -> m.flag("sbtc_stacks_fully_synced",
          "1 if the node reports is_fully_synced (it has caught up with the Bitcoin chain), 0 otherwise; absent before Stacks 3.0.", s));
      changed.ifPresent(t -> m.gauge("sbtc_stacks_tip_changed_timestamp_seconds",
          "Unix time when this exporter last saw the node's Stacks tip change (or first saw it, after the exporter started).", t));
      m.info(INFO_FAMILY, "Always 1; the node's network id and version string in labels (empty when unknown).", Labels.of(
          "network_id", networkId.isPresent() ? Long.toString(networkId.getAsLong()) : "",
          INFO_SERVER_VERSION, serverVersion.orElse("")));
    };
  }

  private static Consumer<Metrics> neighbors(JsonNode r) {
    OptionalLong inbound = peerCount(r, "/inbound");
    OptionalLong outbound = peerCount(r, "/outbound");
    return m -> {
      // Two families of one name: the core merges them into one, as it does across sources.
      inbound.ifPresent(n -> m.gauge("sbtc_stacks_peers", PEERS_HELP, Labels.of("direction", "inbound"), n));
      outbound.ifPresent(n -> m.gauge("sbtc_stacks_peers", PEERS_HELP, Labels.of("direction", "outbound"), n));
    };
  }

  private static Consumer<Metrics> pox(JsonNode r) {
    OptionalLong cycle = Json.count(r, "/current_cycle/id", POX);
    if (cycle.isEmpty()) {
      cycle = Json.count(r, "/reward_cycle_id", POX); // deprecated, but older nodes have only this
    }
    OptionalLong current = cycle;
    OptionalDouble epoch = StacksEpoch.current(r, POX);
    return m -> m.gauge("sbtc_stacks_reward_cycle", "The current PoX reward cycle (/v2/pox current_cycle.id).", current)
        .gauge("sbtc_stacks_epoch", "The Stacks epoch the node is in as a number, e.g. 3.1 for Epoch31 and 2.05 for Epoch2_05 (/v2/pox current_epoch).",
            epoch);
  }

  private static OptionalLong peerCount(JsonNode r, String pointer) {
    Optional<JsonNode> list = Json.at(r, pointer);
    if (list.isPresent() && !list.get().isArray()) {
      throw new SourceException(ErrorReason.PARSE, NEIGHBORS + ": " + pointer + " is not a list");
    }
    return list.map(l -> OptionalLong.of(l.size())).orElse(OptionalLong.empty());
  }

  private static Optional<Boolean> bool(JsonNode r, String pointer, String where) {
    Optional<JsonNode> n = Json.at(r, pointer);
    if (n.isPresent() && !n.get().isBoolean()) {
      throw new SourceException(ErrorReason.PARSE, where + ": " + pointer + " is not true or false");
    }
    return n.map(JsonNode::booleanValue);
  }

  private URI endpoint(String path) {
    String base = config.rpcUrl().toString();
    return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
