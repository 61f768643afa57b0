package io.sbtc.exporter.source.release;

import io.sbtc.exporter.common.Durations;
import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.common.Version;
import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code versions:} section: the minimum version of each component, and an optional feed of
 * the latest releases (off by default: signer hosts often deny outbound traffic).
 */
public record VersionsConfig(Map<String, String> minimum, Optional<ReleaseFeed> releaseFeed) {

  /** A GitHub-releases-style API: {@code GET <base_url>/repos/<owner>/<repo>/releases}. */
  public record ReleaseFeed(URI baseUrl, Schedule schedule, Map<String, String> repos, Optional<Secret> token,
      Optional<Path> tlsCaFile) {
    /** A feed rate-limits: six-hourly by default, hourly at most often. */
    public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofHours(6), Duration.ofSeconds(30));
    static final Duration MIN_INTERVAL = Duration.ofHours(1);
  }

  public static final VersionsConfig NONE = new VersionsConfig(Map.of(), Optional.empty());

  public static VersionsConfig read(ConfigNode node) {
    Map<String, String> minimum = new LinkedHashMap<>();
    node.object("minimum").ifPresent(m -> {
      for (Component c : Component.values()) {
        String component = c.key();
        m.optString(component).ifPresent(v -> {
          if (Version.parse(v).isEmpty()) {
            throw m.error(component, "must be a version like 25.0 or 3.1.0.0.5 (got \"" + v + "\")");
          }
          minimum.put(component, v);
        });
      }
      m.rejectUnknownKeys();
    });
    Optional<ReleaseFeed> feed = node.object("release_feed").map(VersionsConfig::readFeed);
    node.rejectUnknownKeys();
    return new VersionsConfig(Map.copyOf(minimum), feed);
  }

  private static ReleaseFeed readFeed(ConfigNode f) {
    URI base = f.httpUrl("base_url", "https://api.github.com");
    Schedule schedule = f.schedule(ReleaseFeed.DEFAULT_SCHEDULE);
    if (schedule.interval().compareTo(ReleaseFeed.MIN_INTERVAL) < 0) {
      throw f.error("interval", "must be at least 1h: release feeds rate-limit (got \"" + Durations.format(schedule.interval()) + "\")");
    }
    Map<String, String> repos = new LinkedHashMap<>();
    for (Component c : Component.values()) {
      c.defaultRepo().ifPresent(repo -> repos.put(c.key(), repo));
    }
    f.object("repos").ifPresent(r -> {
      for (String component : List.copyOf(repos.keySet())) {
        r.optString(component).ifPresent(repo -> {
          if (!repo.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) {
            throw r.error(component, "must be owner/name (got \"" + repo + "\")");
          }
          repos.put(component, repo);
        });
      }
      r.rejectUnknownKeys();
    });
    Optional<Secret> token = f.secret("token");
    Optional<Path> ca = f.readableFile("tls_ca_file");
    f.rejectUnknownKeys();
    // In Component order, so the feed is asked (and its errors are listed) in the same order every time.
    return new ReleaseFeed(base, schedule, Collections.unmodifiableMap(repos), token, ca);
  }
}
