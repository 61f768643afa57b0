package io.sbtc.exporter.source.stacks;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.Json;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The epoch a Stacks node is in, from {@code /v2/pox}. Nodes from 3.3.0.0.2 send
 * {@code current_epoch}; older ones only the {@code epochs} list, from which the current one is
 * the last whose {@code start_height} the burn chain tip has reached, as the node itself works it out.
 */
final class StacksEpoch {
  /** The node's epoch ids, {@code Epoch31} or {@code Epoch2_05}: a one-digit major, then the minor. */
  private static final Pattern ID = Pattern.compile("Epoch(\\d)(?:_?(\\d{1,2}))");

  private StacksEpoch() {}

  static OptionalDouble current(JsonNode r, String where) {
    Optional<String> id = Json.text(r, "/current_epoch", where);
    if (id.isEmpty()) {
      id = fromEpochs(r, where);
    }
    return id.isPresent() ? OptionalDouble.of(number(id.get(), where)) : OptionalDouble.empty();
  }

  /** {@code Epoch31} is 3.1, {@code Epoch2_05} is 2.05, {@code Epoch10} is 1.0: they order as the epochs do. */
  static double number(String id, String where) {
    Matcher m = ID.matcher(id);
    if (!m.matches()) {
      throw new SourceException(ErrorReason.PARSE, where + ": \"" + abbreviate(id) + "\" is not a Stacks epoch id");
    }
    return Double.parseDouble(m.group(1) + "." + m.group(2));
  }

  private static Optional<String> fromEpochs(JsonNode r, String where) {
    Optional<JsonNode> epochs = Json.at(r, "/epochs");
    OptionalLong burnHeight = Json.count(r, "/current_burnchain_block_height", where);
    if (epochs.isEmpty() || burnHeight.isEmpty()) {
      return Optional.empty();
    }
    if (!epochs.get().isArray()) {
      throw new SourceException(ErrorReason.PARSE, where + ": /epochs is not a list");
    }
    Optional<String> current = Optional.empty();
    for (JsonNode e : epochs.get()) {
      // The last epoch's start_height is u64::MAX, past 2^53: compare without converting it to a count.
      JsonNode start = e.get("start_height");
      if (start == null || !start.isIntegralNumber()) {
        throw new SourceException(ErrorReason.PARSE, where + ": an epoch has no whole start_height");
      }
      if (start.bigIntegerValue().compareTo(java.math.BigInteger.valueOf(burnHeight.getAsLong())) <= 0) {
        current = Json.text(e, "/epoch_id", where);
      }
    }
    return current;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
