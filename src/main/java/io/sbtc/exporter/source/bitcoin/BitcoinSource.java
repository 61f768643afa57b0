package io.sbtc.exporter.source.bitcoin;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.source.TipTracker;
import io.sbtc.exporter.source.UpstreamHttp;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Call;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Failure;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Reply;
import io.sbtc.exporter.source.bitcoin.BitcoinRpc.Result;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * {@code bitcoin}: Bitcoin Core over JSON-RPC. One batch per poll with the node's chain, network,
 * mempool and uptime, then {@code getblockheader} of the best block for its time, which is asked
 * only when the best block changed. A failed call leaves the other calls' metrics in place.
 */
public final class BitcoinSource implements Source {
  public static final String NAME = "bitcoin";
  /** Read by the cross-chain lag metrics. */
  public static final String BLOCKS = "sbtc_bitcoin_blocks";
  /** The info family with the node's version string in label {@link #INFO_SUBVERSION}, read by the version check. */
  public static final String INFO_FAMILY = "sbtc_bitcoin";
  public static final String INFO_SUBVERSION = "subversion";

  static final String GET_BLOCKCHAIN_INFO = "getblockchaininfo";
  static final String GET_NETWORK_INFO = "getnetworkinfo";
  static final String GET_MEMPOOL_INFO = "getmempoolinfo";
  static final String UPTIME = "uptime";
  static final String GET_BLOCK_HEADER = "getblockheader";
  static final List<Call> CALLS = List.of(
      Call.of(GET_BLOCKCHAIN_INFO), Call.of(GET_NETWORK_INFO), Call.of(GET_MEMPOOL_INFO), Call.of(UPTIME));

  private final BitcoinConfig config;
  private final UpstreamHttp http;
  private final BitcoinRpc rpc;
  private final TipTracker tip;
  /** The header of the best block seen last: a block's time never changes, so it is asked once per block. */
  private volatile CachedHeader lastHeader;

  private record CachedHeader(String hash, JsonNode header) {}

  public BitcoinSource(Vertx vertx, BitcoinConfig config, Clock clock) {
    this.config = config;
    this.http = new UpstreamHttp(vertx, config.tlsCaFile(), BitcoinRpc.MAX_REPLY_BYTES);
    this.rpc = new BitcoinRpc(http, config.rpcUrl(), new RpcCredentials(vertx, config), NAME);
    this.tip = new TipTracker(clock);
  }

  public static List<SourceSpec> specs(BitcoinConfig config, SourceContext context) {
    return List.of(new SourceSpec(NAME, config.schedule(), config, () -> new BitcoinSource(context.vertx(), config, context.clock())));
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    return rpc.call(CALLS, poll.deadline()).compose(replies -> {
      Calls c = new Calls(poll);
      var chain = c.read(GET_BLOCKCHAIN_INFO, replies.get(GET_BLOCKCHAIN_INFO), r -> NodeReadings.chainInfo(r, GET_BLOCKCHAIN_INFO));
      var network = c.read(GET_NETWORK_INFO, replies.get(GET_NETWORK_INFO), r -> NodeReadings.networkInfo(r, GET_NETWORK_INFO));
      var mempool = c.read(GET_MEMPOOL_INFO, replies.get(GET_MEMPOOL_INFO), r -> NodeReadings.mempool(r, GET_MEMPOOL_INFO));
      var uptime = c.read(UPTIME, replies.get(UPTIME), r -> NodeReadings.uptime(r, UPTIME));
      Optional<String> bestBlock = chain.flatMap(NodeReadings.ChainInfo::bestBlockHash);
      return header(bestBlock, poll).map(header -> {
        OptionalLong tipTime = header
            .flatMap(h -> c.read(GET_BLOCK_HEADER, h, r -> NodeReadings.headerTime(r, GET_BLOCK_HEADER)))
            .orElse(OptionalLong.empty());
        BitcoinMetrics.Readings readings = new BitcoinMetrics.Readings(c.warmingUp, chain, network, mempool,
            uptime.map(OptionalLong::of).orElse(OptionalLong.empty()), tipTime, bestBlock.map(tip::observe));
        return poll.snapshot(BitcoinMetrics.of(readings));
      });
    });
  }

  /**
   * The header of the best block, from the cache while the best block stays the same. Asked as a
   * part of the poll, so a slow header gives up before the whole poll does and the batch's metrics stay.
   */
  private Future<Optional<Reply>> header(Optional<String> bestBlock, Poll poll) {
    if (bestBlock.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    String hash = bestBlock.get();
    CachedHeader cached = lastHeader;
    if (cached != null && cached.hash().equals(hash)) {
      return Future.succeededFuture(Optional.of(new Result(cached.header())));
    }
    Deadline deadline = poll.partDeadline();
    if (deadline.remaining().toMillis() < 1) {
      return Future.succeededFuture(Optional.of(new Failure(new SourceException(ErrorReason.TIMEOUT,
          GET_BLOCK_HEADER + ": no time left within the poll's timeout of " + poll.timeout().toMillis() + "ms"))));
    }
    return rpc.call(List.of(Call.of(GET_BLOCK_HEADER, hash)), deadline)
        .map(m -> {
          Reply reply = m.get(GET_BLOCK_HEADER);
          if (reply instanceof Result h) {
            lastHeader = new CachedHeader(hash, h.value());
          }
          return Optional.ofNullable(reply);
        })
        .recover(t -> Future.succeededFuture(Optional.of(new Failure(SourceException.from(t)))));
  }

  /** Each call's reply as a part of the poll. Warm-up is a state the node announces, not an error of the node or the exporter. */
  private static final class Calls {
    final Poll poll;
    boolean warmingUp;

    Calls(Poll poll) {
      this.poll = poll;
    }

    <T> Optional<T> read(String method, Reply reply, Function<JsonNode, T> reader) {
      if (reply == null) {
        poll.failed(method, new SourceException(ErrorReason.PARSE, "no reply to " + method));
        return Optional.empty();
      }
      if (reply instanceof Failure f) {
        if (f.warmingUp()) {
          warmingUp = true;
          poll.answered(method);
        } else {
          poll.failed(method, f.error());
        }
        return Optional.empty();
      }
      return poll.read(method, () -> reader.apply(((Result) reply).value()));
    }
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
