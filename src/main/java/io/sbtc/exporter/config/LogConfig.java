package io.sbtc.exporter.config;

import io.sbtc.exporter.core.Schedule;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One entry of the {@code logs:} list: where one component's logs live (a directory and a file
 * glob, or a journald unit) and how much of them must be kept. Each entry is source
 * {@code logs:<component>}.
 */
public record LogConfig(
    String component,
    Kind source,
    Optional<Path> path,
    Optional<String> pattern,
    Optional<Format> format,
    Optional<String> unit,
    Optional<String> journalctl,
    Duration minRetention,
    Duration maxSilence,
    Schedule schedule) {

  public static final Duration DEFAULT_MIN_RETENTION = Duration.ofDays(7);
  /** Long enough for bitcoind, which may log nothing but UpdateTip between blocks an hour apart. */
  public static final Duration DEFAULT_MAX_SILENCE = Duration.ofHours(1);
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final String DEFAULT_JOURNALCTL = "journalctl";

  /** systemd unit names, plus the glob characters journalctl --unit accepts. */
  private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.\\\\@*?\\[\\]-]+");

  /** Where the lines are: log files in a directory, or the systemd journal. */
  public enum Kind {
    FILES, JOURNALD;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How the first lines of a file carry their timestamp. */
  public enum Format {
    AUTO, JSON, BITCOIND, STACKS, DOCKER_JSON, RFC3339, MTIME;

    public String key() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<Format> parse(String key) {
      return Arrays.stream(values()).filter(f -> f.key().equals(key)).findFirst();
    }

    static String keys() {
      return Arrays.stream(values()).map(Format::key).collect(Collectors.joining(", "));
    }
  }

  /** The whole {@code logs:} list; component names must be unique because they name the sources. */
  static List<LogConfig> readAll(ConfigNode root) {
    List<LogConfig> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (ConfigNode entry : root.objectList("logs")) {
      LogConfig c = read(entry);
      String previous = seen.putIfAbsent(c.component(), entry.path());
      if (previous != null) {
        throw entry.error("component", "\"" + c.component() + "\" is already used by " + previous);
      }
      out.add(c);
    }
    return List.copyOf(out);
  }

  static LogConfig read(ConfigNode node) {
    String component = node.requiredString("component");
    if (component.chars().anyMatch(Character::isISOControl)) {
      throw node.error("component", "must not contain control characters");
    }
    String sourceText = node.string("source", "files");
    Kind kind = switch (sourceText) {
      case "files" -> Kind.FILES;
      case "journald" -> Kind.JOURNALD;
      default -> throw node.error("source", "must be files or journald (got \"" + sourceText + "\")");
    };
    Optional<Path> path = node.path("path");
    Optional<String> pattern = node.optString("pattern");
    Optional<String> formatText = node.optString("format");
    Optional<String> unit = node.optString("unit");
    Optional<String> journalctl = node.optString("journalctl");
    Duration minRetention = node.duration("min_retention", DEFAULT_MIN_RETENTION);
    Duration maxSilence = node.duration("max_silence", DEFAULT_MAX_SILENCE);
    Schedule schedule = node.schedule(Schedule.of(DEFAULT_INTERVAL, DEFAULT_TIMEOUT));
    node.rejectUnknownKeys();

    if (kind == Kind.JOURNALD) {
      onlyForFiles(node, "path", path.isPresent());
      onlyForFiles(node, "pattern", pattern.isPresent());
      onlyForFiles(node, "format", formatText.isPresent());
      String u = unit.filter(s -> !s.isBlank()).orElseThrow(() -> node.error("unit", "is required when source is journald"));
      if (!UNIT.matcher(u).matches()) {
        throw node.error("unit", "must be a systemd unit name like sbtc-signer.service (got \"" + u + "\")");
      }
      if (journalctl.isPresent() && journalctl.get().isBlank()) {
        throw node.error("journalctl", "must be the path of the journalctl binary");
      }
      return new LogConfig(component, kind, Optional.empty(), Optional.empty(), Optional.empty(), unit,
          Optional.of(journalctl.orElse(DEFAULT_JOURNALCTL)), minRetention, maxSilence, schedule);
    }

    if (unit.isPresent()) {
      throw node.error("unit", "only applies to source journald");
    }
    if (journalctl.isPresent()) {
      throw node.error("journalctl", "only applies to source journald");
    }
    if (path.isEmpty()) {
      throw node.error("path", "is required (the directory that holds the log files)");
    }
    String glob = pattern.filter(s -> !s.isBlank())
        .orElseThrow(() -> node.error("pattern", "is required (a file name glob like \"signer.log*\")"));
    if (glob.contains("/")) {
      throw node.error("pattern", "must match file names in path, not paths (got \"" + glob + "\")");
    }
    try {
      FileSystems.getDefault().getPathMatcher("glob:" + glob);
    } catch (IllegalArgumentException e) {
      throw node.error("pattern", "is not a valid glob (got \"" + glob + "\")");
    }
    Format format = formatText.map(f -> Format.parse(f)
            .orElseThrow(() -> node.error("format", "must be one of " + Format.keys() + " (got \"" + f + "\")")))
        .orElse(Format.AUTO);
    return new LogConfig(component, kind, path, Optional.of(glob), Optional.of(format), Optional.empty(), Optional.empty(),
        minRetention, maxSilence, schedule);
  }

  private static void onlyForFiles(ConfigNode node, String key, boolean present) {
    if (present) {
      throw node.error(key, "only applies to source files (this entry has source journald)");
    }
  }

  /** The {@code source} label of this entry's source. */
  public String sourceName() {
    return "logs:" + component;
  }
}
