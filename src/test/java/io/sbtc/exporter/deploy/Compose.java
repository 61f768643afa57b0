package io.sbtc.exporter.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * deploy/compose/docker-compose.exporter.yml read as Compose would: ${VAR}, ${VAR:-default} and
 * ${VAR:?error} interpolated from a given environment, short-syntax volumes split into mounts.
 */
final class Compose {
  static final Path FILE = Path.of("deploy/compose/docker-compose.exporter.yml");
  static final String HOME_VAR = "SBTC_EXPORTER_HOME";
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  /** One mount of a service: host source (a path or a named volume), container target, read-only or not. */
  record Mount(String rawSource, String source, String target, boolean readOnly) {
    boolean namedVolume() {
      return !source.startsWith("/") && !source.startsWith(".");
    }
  }

  final JsonNode root;
  private final Map<String, String> env;

  Compose(Map<String, String> env) {
    this.root = Yaml.read(FILE);
    this.env = env;
  }

  JsonNode service(String name) {
    JsonNode s = root.path("services").path(name);
    if (s.isMissingNode()) {
      throw new AssertionError(FILE + " has no service " + name);
    }
    return s;
  }

  /** What Compose makes of a value; a ${VAR:?...} whose VAR is unset fails as Compose would. */
  String interpolate(String text) {
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      String op = m.group(2);
      boolean empty = value == null || (op != null && op.startsWith(":") && value.isEmpty());
      if (empty && op != null && op.endsWith("?")) {
        throw new AssertionError("Compose would stop: " + m.group(1) + ": " + m.group(3));
      }
      if (empty && op != null && op.endsWith("-")) {
        value = m.group(3);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The variables a text references, with or without a default. */
  static List<String> references(String text) {
    List<String> names = new ArrayList<>();
    Matcher m = VAR.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  List<Mount> mounts(String service) {
    List<Mount> mounts = new ArrayList<>();
    for (JsonNode v : service(service).path("volumes")) {
      if (!v.isTextual()) {
        throw new AssertionError(service + ": use the short volume syntax in " + FILE + " (got " + v + ")");
      }
      String raw = v.asText();
      String[] parts = interpolate(raw).split(":");
      if (parts.length < 2 || parts.length > 3) {
        throw new AssertionError(service + ": cannot read volume " + raw);
      }
      String rawSource = raw.substring(0, raw.length() - (parts.length == 3 ? 1 + parts[2].length() : 0) - 1 - parts[1].length());
      mounts.add(new Mount(rawSource, parts[0], parts[1], parts.length == 3 && List.of(parts[2].split(",")).contains("ro")));
    }
    return mounts;
  }

  /** The host path behind a path inside the service's container, through its bind mounts. */
  Optional<Path> hostPath(String service, String containerPath) {
    Mount best = null;
    for (Mount m : mounts(service)) {
      boolean under = containerPath.equals(m.target()) || containerPath.startsWith(m.target() + "/");
      if (under && !m.namedVolume() && (best == null || m.target().length() > best.target().length())) {
        best = m;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    return Optional.of(Path.of(best.source() + containerPath.substring(best.target().length())));
  }

  /** Container path of each secret of a service: long-syntax target, else /run/secrets/<name>. */
  Map<String, String> secretTargets(String service) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (JsonNode s : service(service).path("secrets")) {
      String source = s.isTextual() ? s.asText() : s.path("source").asText();
      String target = s.isTextual() ? source : s.path("target").asText(source);
      out.put(target.startsWith("/") ? target : "/run/secrets/" + target, source);
    }
    return out;
  }
}
