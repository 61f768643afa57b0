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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code release_feed}: the newest non-prerelease release of the signer, the Stacks node and
 * Bitcoin Core from a GitHub-releases-style API. Honours ETags (a 304 costs no rate limit) and
 * keeps the last answer when the feed is rate-limited or down.
 */
public final class ReleaseFeedSource implements Source {
  public static final String NAME = "release_feed";
  private static final long MAX_BODY_BYTES = 4L << 20;

  /** The newest release of one repository, and the ETag it came with. */
  record Latest(String version, Instant published, String etag) {}

  private final VersionsConfig.ReleaseFeed config;
  private final UpstreamHttp http;
  private final Map<String, Latest> cache = new LinkedHashMap<>();

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

  /** One part per component; a component that fails keeps its last answer (rate limits come and go). */
  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    Map<String, Future<Latest>> fetches = new LinkedHashMap<>();
    config.repos().forEach((component, repo) -> fetches.put(component, fetch(component, repo, poll.deadline())));
    return Future.join(List.copyOf(fetches.values())).otherwiseEmpty().map(done -> {
      fetches.forEach((component, f) -> {
        if (f.succeeded()) {
          cache.put(component, f.result());
          poll.answered(component);
        } else if (cache.containsKey(component)) {
          poll.failedKeepingEarlierAnswer(component, f.cause());
        } else {
          poll.failed(component, f.cause());
        }
      });
      return poll.snapshot(metrics());
    });
  }

  private Future<Latest> fetch(String component, String repo, Deadline deadline) {
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
    return http.send(HttpMethod.GET, uri, headers, null, deadline).map(r -> {
      if (r.status() == 304 && cached != null) {
        return cached;
      }
      if ((r.status() == 403 || r.status() == 429) && "0".equals(r.headers().get("x-ratelimit-remaining"))) {
        String reset = r.headers().get("x-ratelimit-reset");
        throw new SourceException(ErrorReason.HTTP_STATUS, "release feed " + where + " is rate-limited"
            + (reset == null ? "" : " until " + Instant.ofEpochSecond(parseLong(reset))) + "; set release_feed.token_file to raise the limit");
      }
      UpstreamHttp.requireOk(r, uri);
      return newest(component, Json.parse(r.text(where), where), r.headers().get("ETag"), where);
    });
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
    return List.of(latest.build(), published.build());
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
