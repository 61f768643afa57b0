package io.sbtc.exporter.config;

import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.common.Durations;
import io.sbtc.exporter.common.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code versions:} section: the minimum version of each component, and an optional feed of
 * the latest releases (off by default: signer hosts often deny outbound traffic).
 */
public record VersionsConfig(Map<String, String> minimum, Optional<ReleaseFeed> releaseFeed) {

  /** The components whose versions the exporter knows, in the order they are shown. */
  public static final java.util.List<String> COMPONENTS = java.util.List.of("signer", "stacks_node", "bitcoind", "postgres");

  public static final Map<String, String> DEFAULT_REPOS = Map.of(
      "signer", "stacks-sbtc/sbtc",
      "stacks_node", "stacks-network/stacks-core",
      "bitcoind", "bitcoin/bitcoin");

  /** A GitHub-releases-style API: {@code GET <base_url>/repos/<owner>/<repo>/releases}. */
  public record ReleaseFeed(URI baseUrl, Schedule schedule, Map<String, String> repos, Optional<Secret> token,
      Optional<Path> tlsCaFile) {}

  static VersionsConfig read(ConfigNode node) {
    Map<String, String> minimum = new LinkedHashMap<>();
    node.object("minimum").ifPresent(m -> {
      for (String component : COMPONENTS) {
        m.optString(component).ifPresent(v -> {
          if (!io.sbtc.exporter.common.Version.parse(v).isPresent()) {
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
    Schedule schedule = f.schedule(Schedule.of(Duration.ofHours(6), Duration.ofSeconds(30)));
    if (schedule.interval().compareTo(Duration.ofHours(1)) < 0) {
      throw f.error("interval", "must be at least 1h: release feeds rate-limit (got \"" + Durations.format(schedule.interval()) + "\")");
    }
    Map<String, String> repos = new LinkedHashMap<>(DEFAULT_REPOS);
    f.object("repos").ifPresent(r -> {
      for (String component : DEFAULT_REPOS.keySet()) {
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
    return new ReleaseFeed(base, schedule, Map.copyOf(repos), token, ca);
  }
}
