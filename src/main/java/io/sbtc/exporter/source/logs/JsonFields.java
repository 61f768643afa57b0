package io.sbtc.exporter.source.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Optional;

/**
 * Looks up one top-level string field of a JSON log line by streaming, so a line cut short by the
 * read limit still yields the field if it came before the cut, and nothing after it is parsed.
 */
final class JsonFields {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();

  private JsonFields() {}

  /** The string value of top-level {@code field}; empty if the line is not a JSON object, lacks it, or it is not a string. */
  static Optional<String> topLevelString(String line, String field) {
    int start = firstNonBlank(line);
    if (start < 0 || line.charAt(start) != '{') {
      return Optional.empty();
    }
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals(field)) {
          return value == JsonToken.VALUE_STRING ? Optional.of(p.getText()) : Optional.empty();
        }
        p.skipChildren();
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static int firstNonBlank(String s) {
    if (s == null) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
