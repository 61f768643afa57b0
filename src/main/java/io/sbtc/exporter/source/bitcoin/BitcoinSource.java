package io.sbtc.exporter.source.bitcoin;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.config.BitcoinConfig;
import io.sbtc.exporter.config.Schedule;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.TipTracker;
import io.sbtc.exporter.source.UpstreamHttp;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Call;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Failure;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Reply;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Result;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@code bitcoin}: Bitcoin Core over JSON-RPC. One batch per poll with the node's chain, network,
 * mempool, transaction index and uptime. The tip's block time comes with {@code getblockchaininfo}
 * from v23; only older nodes are asked {@code getblockheader} of the best block for it, and only
 * when the best block changed. A failed call leaves the other calls' metrics in place.
 */
public final class BitcoinSource implements Source {
  public static final String NAME = "bitcoin";
  /** Read by the cross-chain lag metrics. */
  public static final String BLOCKS = "sbtc_bitcoin_blocks";

  static final String GET_BLOCKCHAIN_INFO = "getblockchaininfo";
  static final String GET_NETWORK_INFO = "getnetworkinfo";
  static final String GET_MEMPOOL_INFO = "getmempoolinfo";
  static final String UPTIME = "uptime";
  static final String GET_INDEX_INFO = "getindexinfo";
  static final String GET_BLOCK_HEADER = "getblockheader";
  /** getindexinfo filtered to the transaction index: the other indexes are none of the signer's business. */
  static final List<Call> CALLS = List.of(
      Call.of(GET_BLOCKCHAIN_INFO), Call.of(GET_NETWORK_INFO), Call.of(GET_MEMPOOL_INFO), Call.of(UPTIME),
      Call.of(GET_INDEX_INFO, "txindex"));

  private final BitcoinConfig config;
  private final UpstreamHttp http;
  private final BitcoinRpc rpc;
  private final TipTracker tip;
  /** The header of the best block seen last: a block's time never changes, so it is asked once per block. */
  private volatile CachedHeader lastHeader;

  private record CachedHeader(String hash, JsonNode header) {}

  public BitcoinSource(Vertx vertx, BitcoinConfig config, Clock clock) {
    this.config = config;
    this.http = new UpstreamHttp(vertx, config.tlsCaFile());
    this.rpc = new BitcoinRpc(http, config.rpcUrl(), new RpcCredentials(vertx, config), NAME);
    this.tip = new TipTracker(clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Schedule schedule() {
    return config.schedule();
  }

  @Override
  public Future<SourceSnapshot> poll() {
    long started = System.nanoTime();
    return rpc.call(CALLS, timeout()).compose(replies -> {
      Collected c = new Collected();
      var chain = c.read(GET_BLOCKCHAIN_INFO, replies.get(GET_BLOCKCHAIN_INFO), r -> NodeReadings.chainInfo(r, GET_BLOCKCHAIN_INFO));
      var network = c.read(GET_NETWORK_INFO, replies.get(GET_NETWORK_INFO), r -> NodeReadings.networkInfo(r, GET_NETWORK_INFO));
      var mempool = c.read(GET_MEMPOOL_INFO, replies.get(GET_MEMPOOL_INFO), r -> NodeReadings.mempool(r, GET_MEMPOOL_INFO));
      var uptime = c.read(UPTIME, replies.get(UPTIME), r -> NodeReadings.uptime(r, UPTIME));
      var txIndex = c.read(GET_INDEX_INFO, replies.get(GET_INDEX_INFO), r -> NodeReadings.txIndex(r, GET_INDEX_INFO));
      if (c.answered == 0 && !c.warmingUp) {
        throw c.errors.get(0);
      }
      Optional<String> bestBlock = chain.flatMap(NodeReadings.ChainInfo::bestBlockHash);
      OptionalLong chainTime = chain.map(NodeReadings.ChainInfo::time).orElse(OptionalLong.empty());
      // From v23 getblockchaininfo carries the tip's time: no second request.
      Optional<String> headerToAsk = chainTime.isPresent() ? Optional.empty() : bestBlock;
      return header(headerToAsk, timeLeft(started)).map(header -> {
        OptionalLong tipTime = chainTime.isPresent() ? chainTime : header
            .flatMap(h -> c.read(GET_BLOCK_HEADER, h, r -> NodeReadings.headerTime(r, GET_BLOCK_HEADER)))
            .orElse(OptionalLong.empty());
        BitcoinMetrics.Readings readings = new BitcoinMetrics.Readings(c.warmingUp, chain, network, mempool, txIndex,
            uptime.map(OptionalLong::of).orElse(OptionalLong.empty()), tipTime, bestBlock.map(tip::observe));
        return new SourceSnapshot(BitcoinMetrics.of(readings), c.errors);
      });
    });
  }

  /**
   * What is left of the poll's timeout, less a margin: the header call must give up before the
   * whole poll does, or a slow header would take the batch's metrics down with it.
   */
  private Duration timeLeft(long startedNanos) {
    Duration margin = timeout().dividedBy(10);
    return timeout().minus(margin).minusNanos(System.nanoTime() - startedNanos);
  }

  /** The header of the best block, from the cache while the best block stays the same. */
  private Future<Optional<Reply>> header(Optional<String> bestBlock, Duration timeLeft) {
    if (bestBlock.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    String hash = bestBlock.get();
    CachedHeader cached = lastHeader;
    if (cached != null && cached.hash().equals(hash)) {
      return Future.succeededFuture(Optional.of(new Result(cached.header())));
    }
    if (timeLeft.toMillis() < 1) {
      return Future.succeededFuture(Optional.of(new Failure(new SourceException(ErrorReason.TIMEOUT,
          GET_BLOCK_HEADER + ": no time left within the poll's timeout of " + timeout().toMillis() + "ms"))));
    }
    return rpc.call(List.of(Call.of(GET_BLOCK_HEADER, hash)), timeLeft)
        .map(m -> {
          Reply reply = m.get(GET_BLOCK_HEADER);
          if (reply instanceof Result h) {
            lastHeader = new CachedHeader(hash, h.value());
          }
          return Optional.ofNullable(reply);
        })
        .recover(t -> Future.succeededFuture(Optional.of(new Failure(asSourceException(t)))));
  }

  /** The calls of one poll as they are read: which answered, which failed and why. */
  private static final class Collected {
    final List<SourceException> errors = new ArrayList<>();
    boolean warmingUp;
    int answered;

    <T> Optional<T> read(String method, Reply reply, Function<JsonNode, T> reader) {
      if (reply == null) {
        errors.add(new SourceException(ErrorReason.PARSE, "no reply to " + method));
        return Optional.empty();
      }
      if (reply instanceof Failure f) {
        // Warm-up is a state the node announces, not an error of the node or the exporter.
        if (f.warmingUp()) {
          warmingUp = true;
        } else {
          errors.add(f.error());
        }
        return Optional.empty();
      }
      try {
        T value = reader.apply(((Result) reply).value());
        answered++;
        return Optional.of(value);
      } catch (SourceException e) {
        errors.add(e);
        return Optional.empty();
      }
    }
  }

  private static SourceException asSourceException(Throwable t) {
    return t instanceof SourceException se ? se : new SourceException(ErrorReason.OTHER, "unexpected " + t.getClass().getSimpleName());
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
