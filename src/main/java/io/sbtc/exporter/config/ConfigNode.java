package io.sbtc.exporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping being read into a config record. It remembers where it is (file and key path)
 * so every error names both, expands {@code ${VAR}} references, and rejects keys nobody read.
 */
public final class ConfigNode {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$\\$");

  private static final System.Logger LOG = System.getLogger(ConfigNode.class.getName());

  private final String file;
  private final String path;
  private final JsonNode node;
  private final Function<String, String> env;
  private final SecretFileWarnings warnings;
  private final Set<String> read = new LinkedHashSet<>();

  ConfigNode(String file, String path, JsonNode node, Function<String, String> env, SecretFileWarnings warnings) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.env = env;
    this.warnings = warnings;
  }

  public String file() {
    return file;
  }

  public String path() {
    return path;
  }

  /** An error about {@code key} of this node. */
  public ConfigException error(String key, String problem) {
    return ConfigException.at(file, childPath(key), problem);
  }

  /** An error about this node as a whole. */
  public ConfigException error(String problem) {
    return ConfigException.at(file, path, problem);
  }

  public boolean has(String key) {
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  public Optional<ConfigNode> object(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw error(key, "must be a mapping (got " + describe(v) + ")");
    }
    return Optional.of(new ConfigNode(file, childPath(key), v, env, warnings));
  }

  public List<ConfigNode> objectList(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw error(key, "must be a list (got " + describe(v) + ")");
    }
    List<ConfigNode> items = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      String itemPath = childPath(key) + "[" + i + "]";
      if (!v.get(i).isObject()) {
        throw ConfigException.at(file, itemPath, "must be a mapping (got " + describe(v.get(i)) + ")");
      }
      items.add(new ConfigNode(file, itemPath, v.get(i), env, warnings));
    }
    return items;
  }

  public List<String> stringList(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw error(key, "must be a list (got " + describe(v) + ")");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(scalar(key + "[" + i + "]", v.get(i)));
    }
    return out;
  }

  public Optional<String> optString(String key) {
    JsonNode v = raw(key);
    return v == null ? Optional.empty() : Optional.of(scalar(key, v));
  }

  public String string(String key, String fallback) {
    return optString(key).orElse(fallback);
  }

  public String requiredString(String key) {
    return optString(key).filter(s -> !s.isBlank()).orElseThrow(() -> error(key, "is required"));
  }

  public Duration duration(String key, Duration fallback) {
    Optional<String> text = optString(key);
    if (text.isEmpty()) {
      return fallback;
    }
    Duration d = Durations.parse(text.get())
        .orElseThrow(() -> error(key, "must be a duration like 500ms, 15s, 5m, 26h or 7d (got \"" + text.get() + "\")"));
    if (d.isZero()) {
      throw error(key, "must be > 0 (got \"" + text.get() + "\")");
    }
    return d;
  }

  public long bytes(String key, long fallback) {
    Optional<String> text = optString(key);
    if (text.isEmpty()) {
      return fallback;
    }
    OptionalLong n = ByteSizes.parse(text.get());
    if (n.isEmpty()) {
      throw error(key, "must be a size like 1048576, 512KiB or 16MiB (got \"" + text.get() + "\")");
    }
    return n.getAsLong();
  }

  public boolean bool(String key, boolean fallback) {
    JsonNode v = raw(key);
    if (v == null) {
      return fallback;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    String s = scalar(key, v);
    return switch (s) {
      case "true" -> true;
      case "false" -> false;
      default -> throw error(key, "must be true or false (got \"" + s + "\")");
    };
  }

  public int integer(String key, int fallback, int min, int max) {
    Optional<String> text = optString(key);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(text.get());
      if (n < min || n > max) {
        throw error(key, "must be between " + min + " and " + max + " (got " + n + ")");
      }
      return n;
    } catch (NumberFormatException e) {
      throw error(key, "must be a whole number (got \"" + text.get() + "\")");
    }
  }

  /** An http(s) URL with a host. User info in it is allowed but never printed. */
  public Optional<URI> httpUrl(String key) {
    return optString(key).map(s -> parseUrl(key, s, Set.of("http", "https")));
  }

  public URI parseUrl(String key, String s, Set<String> schemes) {
    String scheme = s.contains("://") ? s.substring(0, s.indexOf("://")).toLowerCase(java.util.Locale.ROOT) : "";
    if (!schemes.contains(scheme)) {
      throw error(key, "must be a URL starting with " + String.join(" or ", new TreeSet<>(schemes).stream().map(x -> x + "://").toList())
          + " (got \"" + shownUrl(s) + "\")");
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      // The exception's message quotes the whole input; its reason and index do not.
      throw error(key, "is not a valid URL: " + e.getReason().toLowerCase(java.util.Locale.ROOT) + " at character " + (e.getIndex() + 1)
          + " (got \"" + Redact.urlAsWritten(s) + "\")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw error(key, "must be a URL with a host (got \"" + Redact.urlAsWritten(s) + "\")");
    }
    return uri;
  }

  /** A URL in a config error: its parts when it parses with a host, else only what cannot be secret. */
  private static String shownUrl(String s) {
    try {
      URI uri = new URI(s);
      return uri.getHost() == null || uri.getHost().isEmpty() ? Redact.urlAsWritten(s) : Redact.parsedUrl(uri);
    } catch (URISyntaxException e) {
      return Redact.urlAsWritten(s);
    }
  }

  /** A path to a file that must exist and be readable now, e.g. a CA bundle. */
  public Optional<Path> readableFile(String key) {
    Optional<Path> p = path(key);
    if (p.isPresent() && !Files.isReadable(p.get())) {
      throw error(key, "cannot read " + p.get());
    }
    return p;
  }

  public Optional<Path> path(String key) {
    return optString(key).filter(s -> !s.isBlank()).map(Path::of);
  }

  /**
   * A secret from {@code key} (which must be a {@code ${VAR}} reference, never a literal) or from
   * the file named by {@code key_file}. The file is read once here; trailing newlines are dropped.
   */
  public Optional<Secret> secret(String key) {
    String fileKey = key + "_file";
    if (has(key) && has(fileKey)) {
      throw error(key, "set either " + key + " or " + fileKey + ", not both");
    }
    JsonNode inline = raw(key);
    if (inline != null) {
      String text = inline.isValueNode() ? inline.asText() : "";
      if (!ENV_REF.matcher(text.trim()).matches() || text.contains("$$")) {
        throw error(key, "must not be written in the config file; use " + fileKey + " or an environment reference like ${"
            + key.toUpperCase() + "}");
      }
      return Optional.of(new Secret(scalar(key, inline)));
    }
    Optional<Path> file = path(fileKey);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    warnings.check(childPath(fileKey), file.get());
    try {
      String content = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
      if (content.isEmpty()) {
        throw error(fileKey, "file " + file.get() + " is empty");
      }
      return Optional.of(new Secret(content));
    } catch (IOException e) {
      throw error(fileKey, "cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** Marks keys as known without reading them: accepted for compatibility, deliberately unused. */
  public void accept(String... keys) {
    read.addAll(java.util.List.of(keys));
  }

  /** Fails on keys that no reader asked for: a typo must not silently turn a check off. */
  public void rejectUnknownKeys() {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      String key = fields.next().getKey();
      if (!read.contains(key)) {
        throw error(key, "unknown key");
      }
    }
  }

  private JsonNode raw(String key) {
    read.add(key);
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? null : v;
  }

  private String scalar(String key, JsonNode v) {
    if (!v.isValueNode()) {
      throw error(key, "must be a single value (got " + describe(v) + ")");
    }
    return expand(key, v.asText());
  }

  private String expand(String key, String text) {
    Matcher m = ENV_REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        String value = env.apply(m.group(1));
        if (value == null) {
          if (m.group(2) == null) {
            throw error(key, "environment variable " + m.group(1) + " is not set");
          }
          value = m.group(2);
        }
        replacement = value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(JsonNode v) {
    if (v.isObject()) {
      return "a mapping";
    }
    if (v.isArray()) {
      return "a list";
    }
    return "\"" + v.asText() + "\"";
  }
}
