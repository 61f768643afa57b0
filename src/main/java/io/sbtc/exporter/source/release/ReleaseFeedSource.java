package io.sbtc.exporter.source.release;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.config.Redact;
import io.sbtc.exporter.config.Schedule;
import io.sbtc.exporter.config.VersionsConfig;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.derived.Version;
import io.sbtc.exporter.source.Json;
import io.sbtc.exporter.source.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code release_feed}: the newest non-prerelease release of the signer, the Stacks node and
 * Bitcoin Core from a GitHub-releases-style API, and the signer's release tags (the tags API of the
 * same feed), since the signer reports a git revision rather than a version. Honours ETags (a 304
 * costs no rate limit) and keeps the last answer when the feed is rate-limited or down.
 */
public final class ReleaseFeedSource implements Source {
  public static final String NAME = "release_feed";
  private static final long MAX_BODY_BYTES = 4L << 20;

  /** The newest release of one repository, and the ETag it came with. */
  record Latest(String version, Instant published, String etag) {}

  /** The final-release tags of one repository, by the commit they point at, and the ETag they came with. */
  record Tags(Map<String, String> versionByCommit, String etag) {}

  /**
   * Components that report a git revision instead of a version (the signer's build_info,
   * stacks-sbtc/sbtc v1.3.3 signer/build.rs:22-31): their tags map it to a release.
   */
  public static final Set<String> BY_REVISION = Set.of("signer");

  private final VersionsConfig.ReleaseFeed config;
  private final UpstreamHttp http;
  private final Map<String, Latest> cache = new LinkedHashMap<>();
  private final Map<String, Tags> tagCache = new LinkedHashMap<>();

  public ReleaseFeedSource(Vertx vertx, VersionsConfig.ReleaseFeed config) {
    this.config = config;
    this.http = new UpstreamHttp(vertx, config.tlsCaFile());
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Schedule schedule() {
    return config.schedule();
  }

  @Override
  public Future<SourceSnapshot> poll() {
    List<Future<Optional<SourceException>>> fetches = new ArrayList<>();
    config.repos().forEach((component, repo) -> fetches.add(fetch(component, repo)
        .map(latest -> {
          cache.put(component, latest);
          return Optional.<SourceException>empty();
        })
        .otherwise(e -> Optional.of(e instanceof SourceException se ? se : new SourceException(ErrorReason.OTHER, e.toString())))));
    config.repos().forEach((component, repo) -> {
      if (BY_REVISION.contains(component)) {
        fetches.add(fetchTags(component, repo)
            .map(tags -> {
              tagCache.put(component, tags);
              return Optional.<SourceException>empty();
            })
            .otherwise(e -> Optional.of(e instanceof SourceException se ? se : new SourceException(ErrorReason.OTHER, e.toString()))));
      }
    });
    return Future.join(fetches).map(done -> {
      List<SourceException> errors = fetches.stream().map(Future::result).flatMap(Optional::stream).toList();
      if (cache.isEmpty() && !errors.isEmpty()) {
        throw errors.get(0);
      }
      return new SourceSnapshot(metrics(), errors);
    });
  }

  private Future<Latest> fetch(String component, String repo) {
    URI uri = URI.create(config.baseUrl().toString().replaceAll("/+$", "") + "/repos/" + repo + "/releases?per_page=30");
    String where = Redact.url(uri.toString());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Accept", "application/vnd.github+json")
        .add("User-Agent", "sbtc-signer-exporter");
    Latest cached = cache.get(component);
    if (cached != null && cached.etag() != null) {
      headers.add("If-None-Match", cached.etag());
    }
    config.token().ifPresent(t -> headers.add("Authorization", "Bearer " + t.reveal()));
    return http.send(HttpMethod.GET, uri, headers, null, timeout(), MAX_BODY_BYTES).map(r -> {
      if (r.status() == 304 && cached != null) {
        return cached;
      }
      requireOk(r, uri, where);
      return newest(component, Json.parse(r.text(where), where), r.headers().get("ETag"), where);
    });
  }

  /** The newest 100 tags (GitHub lists the newest first): years of releases at the signer's pace. */
  private Future<Tags> fetchTags(String component, String repo) {
    URI uri = URI.create(config.baseUrl().toString().replaceAll("/+$", "") + "/repos/" + repo + "/tags?per_page=100");
    String where = Redact.url(uri.toString());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Accept", "application/vnd.github+json")
        .add("User-Agent", "sbtc-signer-exporter");
    Tags cached = tagCache.get(component);
    if (cached != null && cached.etag() != null) {
      headers.add("If-None-Match", cached.etag());
    }
    config.token().ifPresent(t -> headers.add("Authorization", "Bearer " + t.reveal()));
    return http.send(HttpMethod.GET, uri, headers, null, timeout(), MAX_BODY_BYTES).map(r -> {
      if (r.status() == 304 && cached != null) {
        return cached;
      }
      requireOk(r, uri, where);
      return tags(Json.parse(r.text(where), where), r.headers().get("ETag"), where);
    });
  }

  private static void requireOk(UpstreamHttp.Response r, URI uri, String where) {
    if ((r.status() == 403 || r.status() == 429) && "0".equals(r.headers().get("x-ratelimit-remaining"))) {
      String reset = r.headers().get("x-ratelimit-reset");
      throw new SourceException(ErrorReason.HTTP_STATUS, "release feed " + where + " is rate-limited"
          + (reset == null ? "" : " until " + Instant.ofEpochSecond(parseLong(reset))) + "; set release_feed.token_file to raise the limit");
    }
    UpstreamHttp.requireOk(r, uri);
  }

  /** Tags named as final versions (v1.3.3, 1.2.0), by commit; test tags and release candidates are not releases. */
  static Tags tags(JsonNode tags, String etag, String where) {
    if (!tags.isArray()) {
      throw new SourceException(ErrorReason.PARSE, "release feed " + where + " did not answer with a list of tags");
    }
    Map<String, String> byCommit = new LinkedHashMap<>();
    for (JsonNode t : tags) {
      String sha = t.path("commit").path("sha").asText("").toLowerCase(java.util.Locale.ROOT);
      Optional<Version> v = Version.parse(t.path("name").asText(""));
      if (v.isPresent() && !v.get().prerelease() && sha.matches("[0-9a-f]{40}")) {
        // Two final tags on one commit: the higher version is the release it ships as.
        byCommit.merge(sha, v.get().toString(), (a, b) -> Version.parse(a).orElseThrow().compareTo(v.get()) >= 0 ? a : b);
      }
    }
    return new Tags(Map.copyOf(byCommit), etag);
  }

  /** The newest release that is neither a draft nor a prerelease (the Stacks repo's signer-* tags are another product). */
  static Latest newest(String component, JsonNode releases, String etag, String where) {
    if (!releases.isArray()) {
      throw new SourceException(ErrorReason.PARSE, "release feed " + where + " did not answer with a list of releases");
    }
    Latest best = null;
    Version bestVersion = null;
    for (JsonNode r : releases) {
      String tag = r.path("tag_name").asText("");
      if (r.path("draft").asBoolean(false) || r.path("prerelease").asBoolean(false) || tag.startsWith("signer-")) {
        continue;
      }
      Optional<Version> v = Version.parse(tag);
      if (v.isEmpty() || v.get().prerelease()) {
        continue;
      }
      if (bestVersion == null || v.get().compareTo(bestVersion) > 0) {
        Instant published;
        try {
          published = Instant.parse(r.path("published_at").asText(""));
        } catch (DateTimeParseException e) {
          published = null;
        }
        best = new Latest(v.get().toString(), published, etag);
        bestVersion = v.get();
      }
    }
    if (best == null) {
      throw new SourceException(ErrorReason.PARSE, "release feed " + where + " lists no final release");
    }
    return best;
  }

  private List<MetricSnapshot> metrics() {
    InfoSnapshot.Builder latest = InfoSnapshot.builder().name("sbtc_release_latest")
        .help("Always 1; the newest final release of each component in the release feed, in the version label.");
    GaugeSnapshot.Builder published = GaugeSnapshot.builder().name("sbtc_release_latest_published_timestamp_seconds")
        .help("Unix time when the newest final release of each component was published.");
    cache.forEach((component, l) -> {
      latest.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("component", component, "version", l.version())).build());
      if (l.published() != null) {
        published.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("component", component))
            .value(l.published().getEpochSecond()).build());
      }
    });
    InfoSnapshot.Builder tag = InfoSnapshot.builder().name("sbtc_release_tag")
        .help("Always 1; a final release of a component that reports a git revision (the signer), and the commit its tag points at.");
    tagCache.forEach((component, t) -> t.versionByCommit().forEach((sha, version) -> tag.dataPoint(
        InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("component", component, "version", version, "revision", sha)).build())));
    return List.of(latest.build(), published.build(), tag.build());
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
