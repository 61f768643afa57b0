package io.sbtc.exporter.source.release;

import com.fasterxml.jackson.databind.JsonNode;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.common.Redact;
import io.sbtc.exporter.common.Version;
import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.core.SourceSpec;
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
    this.http = new UpstreamHttp(vertx, config.tlsCaFile(), MAX_BODY_BYTES);
  }

  /** Only when {@code versions.release_feed} is set: the minimums alone need no source. */
  public static List<SourceSpec> specs(VersionsConfig versions, SourceContext context) {
    return versions.releaseFeed().stream()
        .map(feed -> new SourceSpec(NAME, feed.schedule(), feed, () -> new ReleaseFeedSource(context.vertx(), feed)))
        .toList();
  }

  /**
   * One part per component, and one for the signer's tags; a part that fails keeps its last answer
   * (rate limits come and go).
   */
  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    Map<String, Future<Latest>> fetches = new LinkedHashMap<>();
    Map<String, Future<Tags>> tagFetches = new LinkedHashMap<>();
    config.repos().forEach((component, repo) -> {
      fetches.put(component, fetch(component, repo, poll.deadline()));
      if (BY_REVISION.contains(component)) {
        tagFetches.put(component, fetchTags(component, repo, poll.deadline()));
      }
    });
    List<Future<?>> all = new ArrayList<>(fetches.values());
    all.addAll(tagFetches.values());
    return Future.join(all).otherwiseEmpty().map(done -> {
      fetches.forEach((component, f) -> record(poll, component, f, cache));
      tagFetches.forEach((component, f) -> record(poll, component + " tags", f, tagCache, component));
      return poll.snapshot(metrics());
    });
  }

  private static <T> void record(Poll poll, String part, Future<T> f, Map<String, T> into) {
    record(poll, part, f, into, part);
  }

  private static <T> void record(Poll poll, String part, Future<T> f, Map<String, T> into, String key) {
    if (f.succeeded()) {
      into.put(key, f.result());
      poll.answered(part);
    } else if (into.containsKey(key)) {
      poll.failedKeepingEarlierAnswer(part, f.cause());
    } else {
      poll.failed(part, f.cause());
    }
  }

  private Future<Latest> fetch(String component, String repo, Deadline deadline) {
    Latest cached = cache.get(component);
    return get("/repos/" + repo + "/releases?per_page=30", cached == null ? null : cached.etag(), cached, deadline,
        (json, etag, where) -> newest(component, json, etag, where));
  }

  /** The newest 100 tags (GitHub lists the newest first): years of releases at the signer's pace. */
  private Future<Tags> fetchTags(String component, String repo, Deadline deadline) {
    Tags cached = tagCache.get(component);
    return get("/repos/" + repo + "/tags?per_page=100", cached == null ? null : cached.etag(), cached, deadline, ReleaseFeedSource::tags);
  }

  private interface Reader<T> {
    T read(JsonNode json, String etag, String where);
  }

  /**
   * A GET of the feed's API, with the token when there is one, revalidated with the ETag of what
   * was read before: an unchanged answer is a 304, which GitHub does not count against the rate limit.
   */
  private <T> Future<T> get(String pathAndQuery, String etag, T cached, Deadline deadline, Reader<T> reader) {
    URI uri = URI.create(config.baseUrl().toString().replaceAll("/+$", "") + pathAndQuery);
    String where = Redact.url(uri.toString());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Accept", "application/vnd.github+json")
        .add("User-Agent", "sbtc-signer-exporter");
    if (cached != null && etag != null) {
      headers.add("If-None-Match", etag);
    }
    config.token().ifPresent(t -> headers.add("Authorization", "Bearer " + t.reveal()));
    return http.send(HttpMethod.GET, uri, headers, null, deadline).map(r -> {
      if (r.status() == 304 && cached != null) {
        return cached;
      }
      requireOk(r, uri, where);
      return reader.read(Json.parse(r.text(where), where), r.headers().get("ETag"), where);
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
