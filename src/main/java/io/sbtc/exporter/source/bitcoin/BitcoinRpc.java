package io.sbtc.exporter.source.bitcoin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sbtc.exporter.common.Redact;
import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.Json;
import io.sbtc.exporter.source.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bitcoin Core's JSON-RPC over HTTP, in the legacy 1.0 envelope that every version answers alike.
 * Calls go out as one batch: bitcoind answers a batch with HTTP 200 and one reply per call, so one
 * failing call cannot hide the others. A server that answers a batch with a single reply (an RPC
 * proxy that refuses batches) is asked one call at a time from then on.
 */
final class BitcoinRpc {
  /** The error code bitcoind gives every call while it loads its indexes (RPC_IN_WARMUP). */
  static final int RPC_IN_WARMUP = -28;
  /** bitcoind's replies to these calls are a few kilobytes; anything near this is not bitcoind. */
  static final long MAX_REPLY_BYTES = 1L << 20;
  private static final System.Logger LOG = System.getLogger(BitcoinRpc.class.getName());

  /** One method call; its method name doubles as its id, so a batch holds each method once. */
  record Call(String method, List<String> params) {
    static Call of(String method, String... params) {
      return new Call(method, List.of(params));
    }
  }

  /** What one call returned: a result or a failure, never both. */
  sealed interface Reply permits Result, Failure {}

  record Result(JsonNode value) implements Reply {}

  /** @param warmingUp true when bitcoind refused the call because it is still starting (-28) */
  record Failure(SourceException error, boolean warmingUp) implements Reply {
    Failure(SourceException error) {
      this(error, false);
    }
  }

  private final UpstreamHttp http;
  private final URI url;
  private final String where;
  private final RpcCredentials credentials;
  private final String sourceName;
  private volatile boolean batchRefused;

  BitcoinRpc(UpstreamHttp http, URI url, RpcCredentials credentials, String sourceName) {
    // bitcoind serves RPC at "/"; a URL written without a path means that.
    this.url = url.getRawPath() == null || url.getRawPath().isEmpty() ? url.resolve("/") : url;
    this.http = http;
    this.where = Redact.url(this.url.toString());
    this.credentials = credentials;
    this.sourceName = sourceName;
  }

  /**
   * Replies by method name. The future fails only when the exchange as a whole failed (no
   * connection, refused credentials, a body that is not JSON-RPC); failed calls are replies.
   */
  Future<Map<String, Reply>> call(List<Call> calls, Deadline deadline) {
    if (batchRefused) {
      return oneByOne(calls, deadline);
    }
    ArrayNode batch = JsonNodeFactory.instance.arrayNode();
    calls.forEach(c -> batch.add(envelope(c)));
    return post(batch, deadline).compose(response -> {
      JsonNode body = jsonOrFail(response);
      if (body.isArray() && ok(response)) {
        return Future.succeededFuture(matchReplies(calls, body));
      }
      if (isEnvelope(body)) {
        batchRefused = true;
        LOG.log(Level.INFO, "source={0} msg=\"{1} answered a batch with a single reply; asking one call at a time from now on\"",
            sourceName, where);
        return oneByOne(calls, deadline);
      }
      throw new SourceException(ok(response) ? ErrorReason.PARSE : ErrorReason.HTTP_STATUS,
          "HTTP " + response.status() + " from " + where + ": the reply is not a JSON-RPC batch reply");
    });
  }

  private Future<Map<String, Reply>> oneByOne(List<Call> calls, Deadline deadline) {
    List<Future<Reply>> replies = new ArrayList<>();
    for (Call c : calls) {
      replies.add(post(envelope(c), deadline)
          .map(response -> {
            JsonNode body = jsonOrFail(response);
            if (!isEnvelope(body)) {
              throw new SourceException(ok(response) ? ErrorReason.PARSE : ErrorReason.HTTP_STATUS,
                  "HTTP " + response.status() + " from " + where + ": the reply to " + c.method() + " is not a JSON-RPC reply");
            }
            return reply(c.method(), body);
          })
          .recover(t -> Future.succeededFuture(new Failure(SourceException.from(t)))));
    }
    return Future.join(replies).map(x -> {
      Map<String, Reply> byMethod = new LinkedHashMap<>();
      for (int i = 0; i < calls.size(); i++) {
        byMethod.put(calls.get(i).method(), replies.get(i).result());
      }
      return byMethod;
    });
  }

  /** Sends with the current credentials; after a 401, once more if the cookie file changed meanwhile. */
  private Future<UpstreamHttp.Response> post(JsonNode body, Deadline deadline) {
    Buffer bytes = Buffer.buffer(body.toString());
    return credentials.header().compose(auth -> send(bytes, auth, deadline).compose(response -> {
      if (response.status() != 401) {
        return Future.succeededFuture(checkAuth(response));
      }
      return credentials.afterRejection(auth).compose(retry -> retry.isPresent()
          ? send(bytes, retry.get(), deadline).map(this::checkAuth)
          : Future.failedFuture(refused()));
    }));
  }

  private Future<UpstreamHttp.Response> send(Buffer body, String authorization, Deadline deadline) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("Accept", "application/json")
        .add("Authorization", authorization);
    return http.send(HttpMethod.POST, url, headers, body, deadline);
  }

  private UpstreamHttp.Response checkAuth(UpstreamHttp.Response response) {
    if (response.status() == 401) {
      throw refused();
    }
    if (response.status() == 403) {
      throw new SourceException(ErrorReason.AUTH,
          "HTTP 403 from " + where + ": the RPC user may not call these methods (check -rpcwhitelist)");
    }
    return response;
  }

  private SourceException refused() {
    return new SourceException(ErrorReason.AUTH, "HTTP 401 from " + where + ": bitcoind refused " + credentials.describe());
  }

  /** The body as JSON; a body that is not JSON is news about the status when there is one (a 503 from a full work queue). */
  private JsonNode jsonOrFail(UpstreamHttp.Response response) {
    try {
      return Json.parse(response.text(where), where);
    } catch (SourceException e) {
      if (ok(response)) {
        throw e;
      }
      throw new SourceException(ErrorReason.HTTP_STATUS, "HTTP " + response.status() + " from " + where);
    }
  }

  private Map<String, Reply> matchReplies(List<Call> calls, JsonNode array) {
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode item : array) {
      JsonNode id = item.get("id");
      if (id != null && id.isTextual()) {
        byId.put(id.textValue(), item);
      }
    }
    Map<String, Reply> replies = new LinkedHashMap<>();
    for (Call c : calls) {
      JsonNode item = byId.get(c.method());
      replies.put(c.method(), item == null
          ? new Failure(new SourceException(ErrorReason.PARSE, "the batch reply from " + where + " has no reply to " + c.method()))
          : reply(c.method(), item));
    }
    return replies;
  }

  private Reply reply(String method, JsonNode item) {
    JsonNode error = item.get("error");
    if (error != null && !error.isNull()) {
      JsonNode code = error.get("code");
      String message = shorten(error.path("message").asText(""));
      if (code != null && code.isInt() && code.intValue() == RPC_IN_WARMUP) {
        return new Failure(new SourceException(ErrorReason.OTHER, method + ": bitcoind is warming up (" + message + ")"), true);
      }
      return new Failure(new SourceException(ErrorReason.OTHER,
          method + ": RPC error " + (code == null ? "without code" : shorten(code.toString())) + " (" + message + ")"));
    }
    JsonNode result = item.get("result");
    if (result == null || result.isNull()) {
      return new Failure(new SourceException(ErrorReason.PARSE, method + ": the reply from " + where + " has no result"));
    }
    return new Result(result);
  }

  private static ObjectNode envelope(Call c) {
    ObjectNode o = JsonNodeFactory.instance.objectNode()
        .put("jsonrpc", "1.0")
        .put("id", c.method())
        .put("method", c.method());
    ArrayNode params = o.putArray("params");
    c.params().forEach(params::add);
    return o;
  }

  private static boolean isEnvelope(JsonNode body) {
    return body.isObject() && (body.has("result") || body.has("error"));
  }

  private static boolean ok(UpstreamHttp.Response response) {
    return response.status() >= 200 && response.status() < 300;
  }

  /** Error texts come from the node; keep them short enough for a log line. */
  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
