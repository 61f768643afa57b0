package io.sbtc.exporter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sbtc.exporter.testing.Fixtures;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The upstreams of a busy signer host on one loopback port, answering at once from the fixtures:
 * the signer's {@code /metrics} (a page of {@code --series} series) and {@code /info}, Bitcoin Core
 * JSON-RPC (batches too) at {@code /}, and the Stacks node's {@code /v2} endpoints.
 * {@code POST /control/bitcoin-hang?seconds=30} makes every Bitcoin call hang that long; 0 heals it.
 *
 * <p>Usage: {@code FakeUpstreams --series 400 --port-file FILE}
 */
public final class FakeUpstreams {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] RPC_METHODS = {"getblockchaininfo", "getnetworkinfo", "getmempoolinfo", "uptime", "getblockheader"};

  private final String signerMetrics;
  private volatile long bitcoinHangMillis;

  private FakeUpstreams(int series) {
    this.signerMetrics = SignerPayload.generate(series);
  }

  public static void main(String[] args) throws Exception {
    int series = 400;
    Path portFile = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--series" -> series = Integer.parseInt(args[i + 1]);
        case "--port-file" -> portFile = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    FakeUpstreams fake = new FakeUpstreams(series);
    Vertx vertx = Vertx.vertx();
    int port = vertx.createHttpServer().requestHandler(fake.router(vertx)).listen(0, "127.0.0.1").await().actualPort();
    if (portFile != null) {
      Files.writeString(portFile, Integer.toString(port));
    }
    System.out.println("fake upstreams on 127.0.0.1:" + port + ", signer page of " + SignerPayload.seriesCount(fake.signerMetrics) + " series");
  }

  private Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(ctx -> reply(ctx, "text/plain; version=0.0.4", signerMetrics));
    router.get("/info").handler(ctx -> reply(ctx, "application/json", Fixtures.text("signer/info.json")));
    router.get("/v2/info").handler(ctx -> reply(ctx, "application/json", Fixtures.text("stacks/v2-info.json")));
    router.get("/v2/neighbors").handler(ctx -> reply(ctx, "application/json", Fixtures.text("stacks/v2-neighbors.json")));
    router.get("/v2/pox").handler(ctx -> reply(ctx, "application/json", Fixtures.text("stacks/v2-pox.json")));
    router.post("/control/bitcoin-hang").handler(ctx -> {
      bitcoinHangMillis = Long.parseLong(ctx.request().getParam("seconds")) * 1000;
      reply(ctx, "text/plain", "bitcoin hangs " + bitcoinHangMillis + " ms per call\n");
    });
    router.post("/").handler(BodyHandler.create().setBodyLimit(64 * 1024)).handler(ctx -> {
      String answer = rpc(ctx.body().asString());
      long hang = bitcoinHangMillis;
      if (hang > 0) {
        vertx.setTimer(hang, id -> reply(ctx, "application/json", answer));
      } else {
        reply(ctx, "application/json", answer);
      }
    });
    return router;
  }

  /** Answers a batch or a single call with the fixture of each method, in bitcoind's envelope. */
  private static String rpc(String body) {
    try {
      JsonNode request = JSON.readTree(body);
      if (request.isArray()) {
        StringBuilder out = new StringBuilder("[");
        for (JsonNode call : request) {
          out.append(out.length() > 1 ? "," : "").append(envelope(call));
        }
        return out.append("]").toString();
      }
      return envelope(request);
    } catch (Exception e) {
      return "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}";
    }
  }

  private static String envelope(JsonNode call) {
    String method = call.path("method").asText();
    String id = call.path("id").toString();
    for (String known : RPC_METHODS) {
      if (known.equals(method)) {
        return "{\"result\":" + Fixtures.text("bitcoin/" + method + ".json").strip() + ",\"error\":null,\"id\":" + id + "}";
      }
    }
    return "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":" + id + "}";
  }

  private static void reply(RoutingContext ctx, String contentType, String body) {
    if (!ctx.response().closed()) {
      ctx.response().putHeader("Content-Type", contentType).end(body);
    }
  }
}
