package io.sbtc.exporter.source.bitcoin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sbtc.exporter.testing.Fixtures;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Bitcoin Core's reply bodies built from result fixtures, in the form bitcoind sends them:
 * compact JSON-RPC 1.0 envelopes with both result and error, followed by a newline.
 */
public final class RpcReplies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RpcReplies() {}

  /** A reply item whose result is the fixture at {@code path}. */
  public static String ok(String method, String path) {
    try {
      String result = JSON.readTree(Fixtures.text(path)).toString();
      return "{\"result\":" + result + ",\"error\":null,\"id\":\"" + method + "\"}";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String error(String method, int code, String message) {
    return "{\"result\":null,\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\"},\"id\":\"" + method + "\"}";
  }

  public static String batch(String... items) {
    return "[" + String.join(",", List.of(items)) + "]\n";
  }

  /** The poll's first batch, answered from the healthy v28 fixtures except where replaced. */
  public static String main(String chainInfo, String networkInfo) {
    return batch(ok("getblockchaininfo", chainInfo), ok("getnetworkinfo", networkInfo),
        ok("getmempoolinfo", "bitcoin/getmempoolinfo.json"), ok("uptime", "bitcoin/uptime.json"),
        ok("getindexinfo", "bitcoin/getindexinfo.json"));
  }

  public static String healthy() {
    return main("bitcoin/getblockchaininfo.json", "bitcoin/getnetworkinfo.json");
  }

  public static String header() {
    return batch(ok("getblockheader", "bitcoin/getblockheader.json"));
  }
}
