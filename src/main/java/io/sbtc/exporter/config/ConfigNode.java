package io.sbtc.exporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sbtc.exporter.common.ByteSizes;
import io.sbtc.exporter.common.Durations;
import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.core.Schedule;
import java.io.IOException;
import java.net.URI;
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
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping being read into a config record. It remembers where it is (file and key path)
 * so every error names both, expands {@code ${VAR}} references, and rejects keys nobody read.
 *
 * <p>It also records, for every key a reader asks for, the value the reader settled on (defaults
 * included) in the form that reads back to the same value: {@code --check-config} prints that
 * record ({@link ConfigText}). So there is one description of each section, its {@code read}
 * method, and printing cannot drift from reading. Secrets are recorded as the reference they were
 * read through ({@code ${VAR}} or the {@code *_file} path), never as their value.
 */
public final class ConfigNode {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$\\$");
  /** A whole value that is one environment reference without a default: the only way to write a secret inline. */
  static final Pattern SECRET_REF = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");

  private final String file;
  private final String path;
  private final JsonNode node;
  private final Function<String, String> env;
  private final SecretFileWarnings warnings;
  private final Set<String> read = new LinkedHashSet<>();
  private final ObjectNode printed = JsonNodeFactory.instance.objectNode();

  ConfigNode(String file, String path, JsonNode node, Function<String, String> env, SecretFileWarnings warnings) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.env = env;
    this.warnings = warnings;
  }

  /**
   * The top level of a config file's text: a mapping (an empty file is an empty one), or a
   * {@link ConfigException} naming the file and, for broken YAML, the line.
   */
  public static ConfigNode root(String file, String yaml, Function<String, String> env, SecretFileWarnings warnings) {
    return new ConfigNode(file, "", YamlText.topLevel(file, yaml), env, warnings);
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

  /** What the readers of this node settled on, in the form that reads back the same (see the class comment). */
  public ConfigText text() {
    return new ConfigText(printed);
  }

  /**
   * Reads one section or list entry. Here, for now, the reader simply runs; its problem, if any,
   * is the load's.
   */
  public <T> Optional<T> readEntry(Supplier<T> reader) {
    return Optional.of(reader.get());
  }

  public Optional<ConfigNode> object(String key) {
    JsonNode v = raw(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isObject()) {
      throw error(key, "must be a mapping (got " + describe(v) + ")");
    }
    ConfigNode child = new ConfigNode(file, childPath(key), v, env, warnings);
    printed.set(key, child.printed);
    return Optional.of(child);
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
    ArrayNode printedItems = printed.putArray(key);
    for (int i = 0; i < v.size(); i++) {
      String itemPath = childPath(key) + "[" + i + "]";
      if (!v.get(i).isObject()) {
        throw ConfigException.at(file, itemPath, "must be a mapping (got " + describe(v.get(i)) + ")");
      }
      ConfigNode item = new ConfigNode(file, itemPath, v.get(i), env, warnings);
      printedItems.add(item.printed);
      items.add(item);
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
    ArrayNode printedItems = printed.putArray(key);
    for (int i = 0; i < v.size(); i++) {
      String value = scalar(key + "[" + i + "]", v.get(i));
      printedItems.add(v.get(i).isTextual() ? TextNode.valueOf(escape(value)) : v.get(i));
      out.add(value);
    }
    return out;
  }

  /** {@link #stringList(String)}, with the list used (and printed) when the key is absent. */
  public List<String> stringList(String key, List<String> fallback) {
    if (raw(key) != null) {
      return stringList(key);
    }
    ArrayNode printedItems = printed.putArray(key);
    fallback.forEach(v -> printedItems.add(escape(v)));
    return fallback;
  }

  public Optional<String> optString(String key) {
    Optional<String> value = text(key);
    value.ifPresent(s -> printed.set(key, node.get(key).isTextual() ? TextNode.valueOf(escape(s)) : node.get(key)));
    return value;
  }

  public String string(String key, String fallback) {
    String value = optString(key).orElse(fallback);
    printed.put(key, escape(value));
    return value;
  }

  public String requiredString(String key) {
    return optString(key).filter(s -> !s.isBlank()).orElseThrow(() -> error(key, "is required"));
  }

  public Duration duration(String key, Duration fallback) {
    Optional<String> text = text(key);
    Duration d = text.isEmpty() ? fallback : Durations.parse(text.get())
        .orElseThrow(() -> error(key, "must be a duration like 500ms, 15s, 5m, 26h or 7d (got \"" + text.get() + "\")"));
    if (d.isZero()) {
      throw error(key, "must be > 0 (got \"" + text.orElse("0s") + "\")");
    }
    printed.put(key, Durations.format(d));
    return d;
  }

  /**
   * {@code interval} and {@code timeout} of a source section. A default timeout longer than a
   * configured interval shrinks to it; a configured one longer than the interval is refused.
   */
  public Schedule schedule(Schedule defaults) {
    Duration interval = duration("interval", defaults.interval());
    Duration timeout = duration("timeout", defaults.timeout().compareTo(interval) > 0 ? interval : defaults.timeout());
    if (timeout.compareTo(interval) > 0) {
      throw error("timeout", "must not be longer than interval " + Durations.format(interval)
          + " (got \"" + Durations.format(timeout) + "\")");
    }
    return new Schedule(interval, timeout);
  }

  public long bytes(String key, long fallback) {
    Optional<String> text = text(key);
    OptionalLong n = text.isEmpty() ? OptionalLong.of(fallback) : ByteSizes.parse(text.get());
    if (n.isEmpty()) {
      throw error(key, "must be a size like 1048576, 512KiB or 16MiB (got \"" + text.get() + "\")");
    }
    printed.put(key, ByteSizes.format(n.getAsLong()));
    return n.getAsLong();
  }

  public boolean bool(String key, boolean fallback) {
    JsonNode v = raw(key);
    boolean value = fallback;
    if (v != null && v.isBoolean()) {
      value = v.booleanValue();
    } else if (v != null) {
      String s = scalar(key, v);
      value = switch (s) {
        case "true" -> true;
        case "false" -> false;
        default -> throw error(key, "must be true or false (got \"" + s + "\")");
      };
    }
    printed.put(key, value);
    return value;
  }

  public int integer(String key, int fallback, int min, int max) {
    Optional<String> text = text(key);
    int n = fallback;
    if (text.isPresent()) {
      try {
        n = Integer.parseInt(text.get());
      } catch (NumberFormatException e) {
        throw error(key, "must be a whole number (got \"" + text.get() + "\")");
      }
      if (n < min || n > max) {
        throw error(key, "must be between " + min + " and " + max + " (got " + n + ")");
      }
    }
    printed.put(key, n);
    return n;
  }

  /**
   * A file mode such as {@code "0640"}. An unquoted {@code 0640} is refused: YAML reads it as the
   * octal number 416, and its digits would then be read as the mode 0416.
   */
  public int fileMode(String key, String fallback) {
    JsonNode v = raw(key);
    if (v != null && v.isNumber()) {
      throw error(key, "must be quoted, like \"0600\": YAML reads an unquoted 0600 as a number (got " + v.asText() + ")");
    }
    String text = text(key).orElse(fallback);
    int mode;
    try {
      mode = Integer.parseInt(text, 8);
    } catch (NumberFormatException e) {
      mode = -1;
    }
    if (mode < 0 || mode > 0777) {
      throw error(key, "must be an octal mode like \"0600\" (got \"" + text + "\")");
    }
    printed.put(key, String.format("%04o", mode));
    return mode;
  }

  /** An http(s) URL with a host. User info in it is allowed but never printed. */
  public Optional<URI> httpUrl(String key) {
    Optional<URI> url = text(key).map(s -> HttpUrls.parse(this, key, s));
    url.ifPresent(u -> printed.put(key, HttpUrls.printable(node.get(key).asText(), escape(u.toString()))));
    return url;
  }

  /** {@link #httpUrl(String)}, with the URL used when the key is absent. */
  public URI httpUrl(String key, String fallback) {
    return httpUrl(key).orElseGet(() -> {
      printed.put(key, fallback);
      return URI.create(fallback);
    });
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
    Optional<Path> p = text(key).filter(s -> !s.isBlank()).map(Path::of);
    p.ifPresent(x -> printed.put(key, escape(x.toString())));
    return p;
  }

  /** {@link #path(String)}, with the path used (and printed) when the key is absent. */
  public Path path(String key, Path fallback) {
    return path(key).orElseGet(() -> {
      printed.put(key, escape(fallback.toString()));
      return fallback;
    });
  }

  /**
   * A secret from {@code key} (which must be a {@code ${VAR}} reference, never a literal) or from
   * the file named by {@code key_file}. The file is read once here; trailing newlines are dropped.
   * The printed config shows the reference or the file, never the value.
   */
  public Optional<Secret> secret(String key) {
    String fileKey = key + "_file";
    if (has(key) && has(fileKey)) {
      throw error(key, "set either " + key + " or " + fileKey + ", not both");
    }
    JsonNode inline = raw(key);
    if (inline != null) {
      String text = inline.isValueNode() ? inline.asText().trim() : "";
      // A ${VAR:-default} is refused too: its default is a secret written in the file.
      if (!SECRET_REF.matcher(text).matches()) {
        throw error(key, "must not be written in the config file; use " + fileKey + " or an environment reference like ${"
            + key.toUpperCase(java.util.Locale.ROOT) + "}");
      }
      Secret secret = new Secret(scalar(key, inline));
      printed.put(key, text);
      return Optional.of(secret);
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

  /** The value of {@code key} with references expanded, not recorded: the typed readers record what they make of it. */
  private Optional<String> text(String key) {
    JsonNode v = raw(key);
    return v == null ? Optional.empty() : Optional.of(scalar(key, v));
  }

  /** A value as printed: a {@code $} in it is written {@code $$}, so it is not read back as a reference. */
  static String escape(String value) {
    return value.replace("$", "$$");
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
    if (v.asText().contains(Secret.MASK)) {
      throw error(key, "holds " + Secret.MASK + ", a value --check-config masked; write the real one, best as a ${VAR} reference");
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
