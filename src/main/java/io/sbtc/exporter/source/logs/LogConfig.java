package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.config.ConfigNode;
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
 * One entry of the {@code logs:} list: where one component's logs live and how much of them must
 * be kept. The logs are log files in a directory ({@link Files}) or a systemd unit's journal
 * ({@link Journald}). Each entry is source {@code logs:<component>}.
 */
public sealed interface LogConfig permits LogConfig.Files, LogConfig.Journald {
  Duration DEFAULT_MIN_RETENTION = Duration.ofDays(7);
  /** Long enough for bitcoind, which may log nothing but UpdateTip between blocks an hour apart. */
  Duration DEFAULT_MAX_SILENCE = Duration.ofHours(1);
  Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(60), Duration.ofSeconds(10));
  String DEFAULT_JOURNALCTL = "journalctl";

  String component();

  Duration minRetention();

  Duration maxSilence();

  Schedule schedule();

  /** The {@code source} label of this entry's source. */
  default String sourceName() {
    return "logs:" + component();
  }

  /**
   * Log files in a directory.
   *
   * @param pattern a glob matched against file names in {@code path} (not recursive)
   */
  record Files(String component, Path path, String pattern, Format format, Duration minRetention, Duration maxSilence,
      Schedule schedule) implements LogConfig {

    static Files read(ConfigNode node, String component) {
      Optional<Path> path = node.path("path");
      Optional<String> pattern = node.optString("pattern");
      String formatText = node.string("format", Format.AUTO.key());
      Duration minRetention = node.duration("min_retention", DEFAULT_MIN_RETENTION);
      Duration maxSilence = node.duration("max_silence", DEFAULT_MAX_SILENCE);
      Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
      for (String key : List.of("unit", "journalctl")) {
        if (node.has(key)) {
          throw node.error(key, "only applies to source journald");
        }
      }
      node.rejectUnknownKeys();
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
      Format format = Format.parse(formatText)
          .orElseThrow(() -> node.error("format", "must be one of " + Format.keys() + " (got \"" + formatText + "\")"));
      return new Files(component, path.get(), glob, format, minRetention, maxSilence, schedule);
    }
  }

  /** A systemd unit that logs to the journal, read with {@code journalctl}. */
  record Journald(String component, String unit, String journalctl, Duration minRetention, Duration maxSilence,
      Schedule schedule) implements LogConfig {
    /** systemd unit names, plus the glob characters journalctl --unit accepts. */
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.\\\\@*?\\[\\]-]+");

    static Journald read(ConfigNode node, String component) {
      Optional<String> unit = node.optString("unit");
      String journalctl = node.string("journalctl", DEFAULT_JOURNALCTL);
      Duration minRetention = node.duration("min_retention", DEFAULT_MIN_RETENTION);
      Duration maxSilence = node.duration("max_silence", DEFAULT_MAX_SILENCE);
      Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
      for (String key : List.of("path", "pattern", "format")) {
        if (node.has(key)) {
          throw node.error(key, "only applies to source files (this entry has source journald)");
        }
      }
      node.rejectUnknownKeys();
      String u = unit.filter(s -> !s.isBlank()).orElseThrow(() -> node.error("unit", "is required when source is journald"));
      if (!UNIT.matcher(u).matches()) {
        throw node.error("unit", "must be a systemd unit name like sbtc-signer.service (got \"" + u + "\")");
      }
      if (journalctl.isBlank()) {
        throw node.error("journalctl", "must be the path of the journalctl binary");
      }
      return new Journald(component, u, journalctl, minRetention, maxSilence, schedule);
    }
  }

  /** How the first lines of a file carry their timestamp. */
  enum Format {
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
  static List<LogConfig> readAll(List<ConfigNode> entries) {
    List<LogConfig> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (ConfigNode entry : entries) {
      entry.readEntry(() -> {
        LogConfig c = read(entry);
        String previous = seen.putIfAbsent(c.component(), entry.path());
        if (previous != null) {
          throw entry.error("component", "\"" + c.component() + "\" is already used by " + previous);
        }
        return c;
      }).ifPresent(out::add);
    }
    return List.copyOf(out);
  }

  static LogConfig read(ConfigNode node) {
    String component = node.requiredString("component");
    if (component.chars().anyMatch(Character::isISOControl)) {
      throw node.error("component", "must not contain control characters");
    }
    String source = node.string("source", "files");
    return switch (source) {
      case "files" -> Files.read(node, component);
      case "journald" -> Journald.read(node, component);
      default -> throw node.error("source", "must be files or journald (got \"" + source + "\")");
    };
  }
}
