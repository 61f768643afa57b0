package io.sbtc.exporter.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * A Bitcoin Core JSON-RPC endpoint and a Stacks node's {@code /v2} endpoints for {@code --demo},
 * on the same timeline as the demo signer: a Bitcoin block every 10 minutes, which the Stacks node
 * sees a few seconds later, and a Stacks block every 5 seconds.
 */
final class DemoNodes {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long the demo Stacks node takes to notice a new Bitcoin block. */
  private static final long BURN_DELAY_SECONDS = 8;
  static final String STACKS_NODE_METRICS = "/stacks-node/metrics";

  private final long startedAt = Instant.now().getEpochSecond();
  private final Map<String, String> templates = Map.of(
      "getblockchaininfo", DemoUpstreams.resource("bitcoin-getblockchaininfo.json"),
      "getnetworkinfo", DemoUpstreams.resource("bitcoin-getnetworkinfo.json"),
      "getmempoolinfo", DemoUpstreams.resource("bitcoin-getmempoolinfo.json"),
      "getblockheader", DemoUpstreams.resource("bitcoin-getblockheader.json"));
  private final String stacksInfo = DemoUpstreams.resource("stacks-v2-info.json");
  private final String stacksNeighbors = DemoUpstreams.resource("stacks-v2-neighbors.json");
  private final String stacksPox = DemoUpstreams.resource("stacks-v2-pox.json");
  private final String stacksNodeMetrics = DemoUpstreams.resource("stacks-node-metrics.prom");

  void mount(Router router) {
    router.post("/").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(this::rpc);
    router.get("/v2/info").handler(ctx -> json(ctx, stacksInfo()));
    router.get("/v2/neighbors").handler(ctx -> json(ctx, stacksNeighbors));
    router.get("/v2/pox").handler(ctx -> json(ctx, stacksPox()));
    router.get(STACKS_NODE_METRICS).handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4")
        .end(stacksNodeMetrics()));
  }

  /** Answers a batch or a single call the way bitcoind does: legacy envelopes, compact, one line. */
  private void rpc(RoutingContext ctx) {
    JsonNode request;
    try {
      request = JSON.readTree(ctx.body().asString());
    } catch (JsonProcessingException e) {
      request = null;
    }
    if (request == null || !(request.isArray() || request.isObject())) {
      ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
          .end("{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
      return;
    }
    long elapsed = Instant.now().getEpochSecond() - DemoUpstreams.GENESIS;
    JsonNode reply;
    if (request.isArray()) {
      ArrayNode replies = JSON.createArrayNode();
      request.forEach(call -> replies.add(answer(call, elapsed)));
      reply = replies;
    } else {
      reply = answer(request, elapsed);
    }
    json(ctx, reply + "\n");
  }

  private ObjectNode answer(JsonNode call, long elapsed) {
    ObjectNode reply = JSON.createObjectNode();
    String method = call.path("method").asText("");
    long height = DemoUpstreams.bitcoinHeight(elapsed);
    String result = switch (method) {
      case "uptime" -> Long.toString(Instant.now().getEpochSecond() - startedAt + 3 * 86_400);
      // The sBTC mainnet node runs with -txindex; the demo node's index keeps up with its chain.
      case "getindexinfo" -> "{\"txindex\":{\"synced\":true,\"best_block_height\":" + height + "}}";
      case "getblockchaininfo", "getblockheader" -> block(templates.get(method), height)
          .replace("{{SIZE_ON_DISK}}", Long.toString(761_204_331_908L + (height - DemoUpstreams.BITCOIN_START) * 1_650_000));
      case "getnetworkinfo" -> {
        long in = 30 + elapsed / 60 % 5;
        yield templates.get(method).replace("{{PEERS_IN}}", Long.toString(in)).replace("{{PEERS_TOTAL}}", Long.toString(in + 10));
      }
      case "getmempoolinfo" -> {
        // The mempool fills between blocks and a block takes most of it.
        long tx = 38_000 + elapsed % 600 * 45;
        yield templates.get(method).replace("{{MEMPOOL_TX}}", Long.toString(tx))
            .replace("{{MEMPOOL_VBYTES}}", Long.toString(tx * 312)).replace("{{MEMPOOL_USAGE}}", Long.toString(tx * 1_590));
      }
      default -> null;
    };
    if (result == null) {
      reply.putNull("result");
      reply.putObject("error").put("code", -32601).put("message", "Method not found");
    } else {
      try {
        reply.set("result", JSON.readTree(result));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("demo template for " + method + " is not JSON", e);
      }
      reply.putNull("error");
    }
    reply.set("id", call.path("id"));
    return reply;
  }

  private static String block(String template, long height) {
    long time = DemoUpstreams.GENESIS + (height - DemoUpstreams.BITCOIN_START) * 600 - 17;
    return template.replace("{{HEIGHT}}", Long.toString(height))
        .replace("{{HASH}}", blockHash(height))
        .replace("{{PREVIOUS_HASH}}", blockHash(height - 1))
        .replace("{{TIME}}", Long.toString(time))
        .replace("{{MEDIANTIME}}", Long.toString(time - 3_312))
        .replace("{{NTX}}", Long.toString(2_400 + Math.floorMod(blockHash(height).hashCode(), 1_900)));
  }

  /** The Stacks node's own metrics endpoint (its prometheus_bind), with the same tips as its RPC. */
  private String stacksNodeMetrics() {
    long elapsed = Instant.now().getEpochSecond() - DemoUpstreams.GENESIS;
    return stacksNodeMetrics.replace("{{BURN}}", Long.toString(DemoUpstreams.bitcoinHeight(Math.max(0, elapsed - BURN_DELAY_SECONDS))))
        .replace("{{STX}}", Long.toString(DemoUpstreams.stacksHeight(elapsed)));
  }

  private String stacksInfo() {
    long elapsed = Instant.now().getEpochSecond() - DemoUpstreams.GENESIS;
    long burn = DemoUpstreams.bitcoinHeight(Math.max(0, elapsed - BURN_DELAY_SECONDS));
    long stx = DemoUpstreams.stacksHeight(elapsed);
    return stacksInfo.replace("{{BURN}}", Long.toString(burn))
        .replace("{{STABLE_BURN}}", Long.toString(burn - 7))
        .replace("{{STX}}", Long.toString(stx))
        .replace("{{STX_HASH}}", sha256("demo-stacks-block-" + stx))
        .replace("{{CONSENSUS}}", sha256("demo-consensus-" + burn).substring(0, 40))
        .replace("{{TENURE}}", Long.toString(231_077 + burn - DemoUpstreams.BITCOIN_START));
  }

  /** PoX arithmetic of mainnet: cycles of 2100 blocks from height 666050, the last 100 of them the prepare phase. */
  private String stacksPox() {
    long elapsed = Instant.now().getEpochSecond() - DemoUpstreams.GENESIS;
    long burn = DemoUpstreams.bitcoinHeight(Math.max(0, elapsed - BURN_DELAY_SECONDS));
    long cycle = (burn - 666_050) / 2_100;
    long untilReward = 2_100 - (burn - 666_050) % 2_100;
    return stacksPox.replace("{{BURN}}", Long.toString(burn))
        .replace("{{NEXT_CYCLE}}", Long.toString(cycle + 1))
        .replace("{{CYCLE}}", Long.toString(cycle))
        .replace("{{UNTIL_REWARD}}", Long.toString(untilReward))
        .replace("{{UNTIL_PREPARE}}", Long.toString(untilReward - 100))
        .replace("{{REWARD_START}}", Long.toString(burn + untilReward))
        .replace("{{PREPARE_START}}", Long.toString(burn + untilReward - 100));
  }

  /** A made-up block hash with the leading zeros of a real one. */
  private static String blockHash(long height) {
    return "0000000000000000000" + sha256("demo-bitcoin-block-" + height).substring(19);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void json(RoutingContext ctx, String body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body);
  }
}
