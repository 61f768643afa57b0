package io.sbtc.exporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/** YAML read as data for the deploy tests: single files, Kubernetes multi-document files, small tree helpers. */
final class Yaml {
  static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

  private Yaml() {}

  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Every non-empty document of a {@code ---} separated file. */
  static List<JsonNode> documents(Path file) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = MAPPER.readerFor(JsonNode.class).readValues(Files.readString(file))) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
    return docs;
  }

  /** The one document of {@code kind} (and {@code name}, if not null). */
  static JsonNode resource(List<JsonNode> docs, String kind, String name) {
    List<JsonNode> found = docs.stream()
        .filter(d -> kind.equals(d.path("kind").asText()))
        .filter(d -> name == null || name.equals(d.path("metadata").path("name").asText()))
        .toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + (name == null ? "" : " " + name) + ", found " + found.size());
    }
    return found.get(0);
  }

  /** The element of an array whose {@code key} field is {@code value}. */
  static Optional<JsonNode> named(JsonNode array, String key, String value) {
    for (JsonNode e : array) {
      if (value.equals(e.path(key).asText())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }

  /** Visits every field whose name satisfies the walk, with its parent, in the whole tree. */
  static void fields(JsonNode node, BiConsumer<ObjectNode, String> visit) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        visit.accept(object, name);
        fields(object.get(name), visit);
      }
    } else if (node != null && node.isArray()) {
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        fields(it.next(), visit);
      }
    }
  }

  static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** Where two trees first differ, as a path with both values; empty when they are equal. */
  static Optional<String> firstDifference(String path, JsonNode a, JsonNode b) {
    if (a.equals(b)) {
      return Optional.empty();
    }
    if (a.isObject() && b.isObject()) {
      java.util.Set<String> names = new java.util.LinkedHashSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        Optional<String> d = firstDifference(path + "." + name, a.path(name), b.path(name));
        if (d.isPresent()) {
          return d;
        }
      }
    } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        Optional<String> d = firstDifference(path + "[" + i + "]", a.get(i), b.get(i));
        if (d.isPresent()) {
          return d;
        }
      }
    }
    return Optional.of(path + ": expected " + shorten(a) + " but found " + shorten(b));
  }

  private static String shorten(JsonNode n) {
    String s = n.isMissingNode() ? "(nothing)" : n.toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
