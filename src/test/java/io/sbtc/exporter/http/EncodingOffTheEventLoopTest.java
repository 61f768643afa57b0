package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.SourceSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Collecting and encoding an exposition takes time in proportion to its size; on the event loop it
 * would hold up every other request, /-/healthy included. Every way of asking for /metrics
 * collects on a worker.
 */
class EncodingOffTheEventLoopTest {

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void everyKindOfScrapeCollectsOnAWorker() throws Exception {
    List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();
    DerivedMetrics spy = new DerivedMetrics() {
      @Override
      public List<MetricSnapshot> derive(Map<String, SourceSnapshot> fresh) {
        onEventLoop.add(Context.isOnEventLoopThread());
        return List.of();
      }
    };
    List<DerivedMetrics> derived = List.of(spy);
    Vertx vertx = Vertx.vertx();
    try {
      ExporterCollector collector = new ExporterCollector("test", List::of, () -> derived, Clock.systemUTC());
      HttpApi api = new HttpApi(collector, new WebSecurity(vertx, Optional.empty()), () -> true, Optional.empty(), "test", Clock.systemUTC(),
          () -> {
            throw new IllegalStateException("this test does not load the landing page");
          });
      HttpServer server = vertx.createHttpServer().requestHandler(api.handler(vertx, new ConnectionSlots(vertx))).listen(0, "127.0.0.1").await(20, TimeUnit.SECONDS);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + server.actualPort();
      for (HttpRequest request : List.of(
          HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Accept", "application/openmetrics-text;version=1.0.0").build(),
          HttpRequest.newBuilder(URI.create(base + "/metrics?name[]=sbtc_exporter_build_info")).build(),
          HttpRequest.newBuilder(URI.create(base + "/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build())) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(request, (n, v) -> true).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), request.toString());
      }
      assertTrue(onEventLoop.size() >= 3, "collected " + onEventLoop.size() + " times");
      assertEquals(List.of(), onEventLoop.stream().filter(b -> b).toList(), "collected on the event loop");
    } finally {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }
}
