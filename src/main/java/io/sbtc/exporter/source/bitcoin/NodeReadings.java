package io.sbtc.exporter.source.bitcoin;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.Json;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The fields the exporter uses from each RPC result, read strictly: a field of the wrong type
 * fails that call (a parse error), while a missing or null field is only absent, because fields
 * come and go between Bitcoin Core versions ({@code time} from v23, {@code connections_in} from
 * v21, {@code warnings} a string before v28 and a list from v28).
 */
final class NodeReadings {
  private NodeReadings() {}

  record ChainInfo(
      Optional<String> chain,
      OptionalLong blocks,
      OptionalLong headers,
      Optional<String> bestBlockHash,
      OptionalDouble verificationProgress,
      Optional<Boolean> initialBlockDownload,
      OptionalLong sizeOnDisk,
      Optional<Boolean> pruned,
      Optional<Boolean> warning,
      OptionalLong time) {}

  record NetworkInfo(
      OptionalLong version,
      Optional<String> subversion,
      OptionalLong peersIn,
      OptionalLong peersOut,
      Optional<Boolean> networkActive,
      Optional<Boolean> warning) {}

  /** Fee rates in sat/vB; Bitcoin Core reports them in BTC/kvB. */
  record Mempool(OptionalLong transactions, OptionalLong bytes, OptionalDouble minFee, OptionalDouble minRelayFee) {}

  /**
   * The transaction index as {@code getindexinfo "txindex"} reports it: {@code {}} when the node
   * runs without {@code -txindex}, else its entry with {@code synced} and {@code best_block_height}.
   */
  record TxIndex(boolean enabled, Optional<Boolean> synced, OptionalLong height) {}

  /** BTC per 1000 vbytes to sats per vbyte: 10^8 sats per BTC over 10^3, a shift of five decimal places. */
  private static final int BTC_PER_KVB_TO_SATS_PER_VBYTE = 5;

  static ChainInfo chainInfo(JsonNode r, String where) {
    return new ChainInfo(
        Json.text(r, "/chain", where),
        Json.count(r, "/blocks", where),
        heightOrUnknown(r, "/headers", where),
        Json.text(r, "/bestblockhash", where),
        progress(r, where),
        bool(r, "/initialblockdownload", where),
        Json.count(r, "/size_on_disk", where),
        bool(r, "/pruned", where),
        warning(r, where),
        Json.count(r, "/time", where));
  }

  static NetworkInfo networkInfo(JsonNode r, String where) {
    return new NetworkInfo(
        Json.count(r, "/version", where),
        Json.text(r, "/subversion", where),
        Json.count(r, "/connections_in", where),
        Json.count(r, "/connections_out", where),
        bool(r, "/networkactive", where),
        warning(r, where));
  }

  static Mempool mempool(JsonNode r, String where) {
    return new Mempool(Json.count(r, "/size", where), Json.count(r, "/bytes", where),
        feeRate(r, "/mempoolminfee", where), feeRate(r, "/minrelaytxfee", where));
  }

  static TxIndex txIndex(JsonNode r, String where) {
    if (!r.isObject()) {
      throw new SourceException(ErrorReason.PARSE, where + ": the reply is not an object");
    }
    Optional<JsonNode> entry = Json.at(r, "/txindex");
    if (entry.isEmpty()) {
      return new TxIndex(false, Optional.empty(), OptionalLong.empty());
    }
    return new TxIndex(true, bool(r, "/txindex/synced", where), Json.count(r, "/txindex/best_block_height", where));
  }

  private static OptionalDouble feeRate(JsonNode r, String pointer, String where) {
    OptionalDouble btcPerKvb = Json.number(r, pointer, where);
    if (btcPerKvb.isPresent() && btcPerKvb.getAsDouble() < 0) {
      throw new SourceException(ErrorReason.PARSE, where + ": " + pointer + " is negative");
    }
    // In decimal, so that 0.00001 BTC/kvB is exactly 1 sat/vB and not 1.0000000000000002.
    return btcPerKvb.isPresent()
        ? OptionalDouble.of(BigDecimal.valueOf(btcPerKvb.getAsDouble()).movePointRight(BTC_PER_KVB_TO_SATS_PER_VBYTE).doubleValue())
        : btcPerKvb;
  }

  static long uptime(JsonNode r, String where) {
    return Json.count(r, "", where).orElseThrow(() -> new SourceException(ErrorReason.PARSE, where + ": uptime is not a number"));
  }

  /** The block time of {@code getblockheader}, in Unix seconds. */
  static OptionalLong headerTime(JsonNode r, String where) {
    return Json.count(r, "/time", where);
  }

  /** {@code 280100} is 28.1.0; before v22 the scheme was 0.major.minor, e.g. {@code 210100} is 0.21.1. */
  static String versionText(long version) {
    long major = version / 10000;
    long minor = version / 100 % 100;
    long patch = version % 100;
    if (major < 22) {
      return "0." + major + "." + minor + (patch == 0 ? "" : "." + patch);
    }
    return major + "." + minor + "." + patch;
  }

  /**
   * Bitcoin Core writes -1 for {@code headers} while it has no best header yet
   * ({@code m_best_header ? m_best_header->nHeight : -1} in getblockchaininfo): a known state, so
   * the height is unknown, not a malformed reply. Any other negative number is still a parse error.
   */
  private static OptionalLong heightOrUnknown(JsonNode r, String pointer, String where) {
    Optional<JsonNode> n = Json.at(r, pointer);
    if (n.isPresent() && n.get().isIntegralNumber() && n.get().canConvertToLong() && n.get().longValue() == -1) {
      return OptionalLong.empty();
    }
    return Json.count(r, pointer, where);
  }

  private static OptionalDouble progress(JsonNode r, String where) {
    OptionalDouble p = Json.number(r, "/verificationprogress", where);
    if (p.isPresent() && (p.getAsDouble() < 0 || p.getAsDouble() > 1)) {
      throw new SourceException(ErrorReason.PARSE, where + ": /verificationprogress is not between 0 and 1 (got " + p.getAsDouble() + ")");
    }
    return p;
  }

  /** A string before v28 ({@code ""} when none), a list of strings from v28 ({@code []} when none). */
  private static Optional<Boolean> warning(JsonNode r, String where) {
    Optional<JsonNode> w = Json.at(r, "/warnings");
    if (w.isEmpty()) {
      return Optional.empty();
    }
    JsonNode v = w.get();
    if (v.isTextual()) {
      return Optional.of(!v.textValue().isBlank());
    }
    if (v.isArray()) {
      boolean any = false;
      for (JsonNode item : v) {
        if (!item.isTextual()) {
          throw new SourceException(ErrorReason.PARSE, where + ": /warnings holds something other than text");
        }
        any |= !item.textValue().isBlank();
      }
      return Optional.of(any);
    }
    throw new SourceException(ErrorReason.PARSE, where + ": /warnings is neither text nor a list");
  }

  private static Optional<Boolean> bool(JsonNode r, String pointer, String where) {
    Optional<JsonNode> n = Json.at(r, pointer);
    if (n.isPresent() && !n.get().isBoolean()) {
      throw new SourceException(ErrorReason.PARSE, where + ": " + pointer + " is not true or false");
    }
    return n.map(JsonNode::booleanValue);
  }
}
