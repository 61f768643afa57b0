package io.sbtc.exporter.http;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Generation;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
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

  /** A recorded answer; {@code body} is shared by every replay and never written to. */
  record Answer(int status, Map<String, String> headers, Buffer body) {}

  private record Variant(String accept, List<String> acceptEncoding) {}

  private record Entry(Generation generation, MetricSnapshots snapshots, Map<Variant, Answer> answers) {}

  private final ExporterCollector collector;
  private final PrometheusProperties properties;
  private volatile Entry entry;

  ScrapeCache(ExporterCollector collector, PrometheusProperties properties) {
    this.collector = collector;
    this.properties = properties;
  }

  /**
   * The answer to a plain GET with these headers, or empty when it cannot be recorded (too many
   * kinds of request, or encoding failed): the caller then serves it uncached.
   */
  Optional<Answer> answer(String accept, List<String> acceptEncoding) {
    Generation now = collector.generation();
    Entry current = entry;
    if (current == null || !current.generation().sameAs(now)) {
      current = new Entry(now, collector.collect(now), new ConcurrentHashMap<>());
      entry = current;
    }
    Variant variant = new Variant(accept == null ? "" : accept, List.copyOf(acceptEncoding));
    Answer answer = current.answers().get(variant);
    if (answer == null && current.answers().size() < MAX_VARIANTS) {
      answer = record(current.snapshots(), variant);
      if (answer != null) {
        current.answers().put(variant, answer);
      }
    }
    return Optional.ofNullable(answer);
  }

  /** Runs the library's handler on exactly these snapshots, so the answer matches the generation it is cached under. */
  private Answer record(MetricSnapshots snapshots, Variant variant) {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(() -> snapshots);
    Recorder recorder = new Recorder(variant);
    try {
      new PrometheusScrapeHandler(properties, registry).handleRequest(recorder);
    } catch (IOException e) {
      return null;
    }
    return recorder.failed ? null : new Answer(recorder.status, Map.copyOf(recorder.headers), offHeap(recorder.body.toByteArray()));
  }

  /**
   * The body in direct memory: the socket writes it as it is, where a heap buffer would be copied
   * into direct memory on every scrape. The JDK frees it once no answer refers to it any more.
   */
  private static Buffer offHeap(byte[] bytes) {
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    return BufferInternal.buffer(Unpooled.wrappedBuffer(direct));
  }

  /** A request without a query string and a response kept in memory. */
  private static final class Recorder implements PrometheusHttpExchange {
    private final Variant variant;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
    private int status;
    private boolean failed;

    Recorder(Variant variant) {
      this.variant = variant;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
      return new PrometheusHttpRequest() {
        @Override
        public String getQueryString() {
          return null;
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
          if (name.equalsIgnoreCase("Accept")) {
            return Collections.enumeration(variant.accept().isEmpty() ? List.of() : List.of(variant.accept()));
          }
          if (name.equalsIgnoreCase("Accept-Encoding")) {
            return Collections.enumeration(variant.acceptEncoding());
          }
          return Collections.emptyEnumeration();
        }

        @Override
        public String getMethod() {
          return "GET";
        }

        @Override
        public String getRequestPath() {
          return "/metrics";
        }
      };
    }

    @Override
    public PrometheusHttpResponse getResponse() {
      return new PrometheusHttpResponse() {
        @Override
        public void setHeader(String name, String value) {
          headers.put(name, value);
        }

        @Override
        public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
          status = statusCode;
          return body;
        }
      };
    }

    @Override
    public void handleException(IOException e) {
      failed = true;
    }

    @Override
    public void handleException(RuntimeException e) {
      failed = true;
    }

    @Override
    public void close() {}
  }
}
