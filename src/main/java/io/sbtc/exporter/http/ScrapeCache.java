package io.sbtc.exporter.http;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Generation;
import io.sbtc.exporter.http.RecordedScrape.Answer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain {@code GET /metrics} answers, encoded once per {@link Generation} and kind of request
 * (Accept and Accept-Encoding) instead of once per scrape. The client library's handler still does
 * the negotiation, encoding and gzip: its answer is recorded and replayed. The generation is taken
 * at every scrape, so a new poll or a snapshot turning stale is served at once.
 */
final class ScrapeCache {
  /** Prometheus, Alloy and curl each ask one way; a flood of odd Accept headers must not grow memory. */
  static final int MAX_VARIANTS = 8;

  private record Variant(String accept, List<String> acceptEncoding) {}

  private record Entry(Generation generation, MetricSnapshots snapshots, Map<Variant, Answer> answers) {}

  private final ExporterCollector collector;
  private final PrometheusProperties properties;
  private volatile Entry entry;

  ScrapeCache(ExporterCollector collector, PrometheusProperties properties) {
    this.collector = collector;
    this.properties = properties;
  }

  /** The answer already recorded for the current generation, if there is one: cheap, for the event loop. */
  Optional<Answer> cached(String accept, List<String> acceptEncoding) {
    Entry current = entry;
    if (current == null || !current.generation().sameAs(collector.generation())) {
      return Optional.empty();
    }
    return Optional.ofNullable(current.answers().get(variant(accept, acceptEncoding)));
  }

  /**
   * The answer to a plain GET with these headers, encoding it when needed (blocking work, for a
   * worker), or empty when it cannot be recorded (too many kinds of request): the caller then
   * encodes it uncached.
   *
   * @throws IOException when the client library fails to encode
   */
  Optional<Answer> answer(String accept, List<String> acceptEncoding) throws IOException {
    Generation now = collector.generation();
    Entry current = entry;
    if (current == null || !current.generation().sameAs(now)) {
      current = new Entry(now, collector.collect(now), new ConcurrentHashMap<>());
      entry = current;
    }
    Variant variant = variant(accept, acceptEncoding);
    Answer answer = current.answers().get(variant);
    if (answer == null && current.answers().size() < MAX_VARIANTS) {
      answer = record(current.snapshots(), variant);
      current.answers().put(variant, answer);
    }
    return Optional.ofNullable(answer);
  }

  private static Variant variant(String accept, List<String> acceptEncoding) {
    return new Variant(accept == null ? "" : accept, List.copyOf(acceptEncoding));
  }

  /** Runs the library's handler on exactly these snapshots, so the answer matches the generation it is cached under. */
  private Answer record(MetricSnapshots snapshots, Variant variant) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(() -> snapshots);
    RecordedScrape.Request request = new RecordedScrape.Request("GET", "/metrics", null, name -> {
      if (name.equalsIgnoreCase("Accept")) {
        return variant.accept().isEmpty() ? List.of() : List.of(variant.accept());
      }
      return name.equalsIgnoreCase("Accept-Encoding") ? variant.acceptEncoding() : List.of();
    });
    return RecordedScrape.run(new PrometheusScrapeHandler(properties, registry), request);
  }
}
