package io.sbtc.exporter.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Strict reading of upstream JSON. Limits keep a hostile body from costing much (nesting depth,
 * number and string length); values that cannot be what they claim (a negative or fractional
 * height, NaN) are parse errors rather than plausible-looking metrics.
 */
public final class Json {
  /** Largest integer a double (and so a Prometheus sample) holds exactly. */
  public static final long MAX_EXACT = 1L << 53;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(64)
          .maxNumberLength(64)
          .maxStringLength(1 << 20)
          .build())
      .build());

  private Json() {}

  public static JsonNode parse(String text, String where) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new SourceException(ErrorReason.PARSE, "empty response from " + where);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new SourceException(ErrorReason.PARSE, "response from " + where + " is not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  /** The node at a JSON pointer like {@code /bitcoin/node_tip/block_height}; absent or null both give empty. */
  public static Optional<JsonNode> at(JsonNode root, String pointer) {
    JsonNode n = root.at(pointer);
    return n.isMissingNode() || n.isNull() ? Optional.empty() : Optional.of(n);
  }

  /** A block height or count: a whole number from 0 to 2^53, or a parse error naming the field. */
  public static OptionalLong count(JsonNode root, String pointer, String where) {
    Optional<JsonNode> n = at(root, pointer);
    if (n.isEmpty()) {
      return OptionalLong.empty();
    }
    JsonNode v = n.get();
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > MAX_EXACT) {
      throw new SourceException(ErrorReason.PARSE, where + ": " + pointer + " is not a valid count (got " + abbreviate(v) + ")");
    }
    return OptionalLong.of(v.longValue());
  }

  /** A finite number, or a parse error naming the field. */
  public static OptionalDouble number(JsonNode root, String pointer, String where) {
    Optional<JsonNode> n = at(root, pointer);
    if (n.isEmpty()) {
      return OptionalDouble.empty();
    }
    JsonNode v = n.get();
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw new SourceException(ErrorReason.PARSE, where + ": " + pointer + " is not a finite number (got " + abbreviate(v) + ")");
    }
    return OptionalDouble.of(v.doubleValue());
  }

  /** A string field; a non-string value is a parse error. */
  public static Optional<String> text(JsonNode root, String pointer, String where) {
    Optional<JsonNode> n = at(root, pointer);
    if (n.isPresent() && !n.get().isTextual()) {
      throw new SourceException(ErrorReason.PARSE, where + ": " + pointer + " is not a string (got " + abbreviate(n.get()) + ")");
    }
    return n.map(JsonNode::textValue);
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
