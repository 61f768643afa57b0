package io.sbtc.exporter.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What Prometheus, Alloy, a load balancer and a person with a browser see over HTTP. */
class HttpApiTest {
  @RegisterExtension
  static WireMockExtension signer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  RunningExporter start() {
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    return RunningExporter.start("""
        signer:
          metrics_url: "%1$s/metrics"
          info_url: "%1$s/info"
          interval: 1s
        """.formatted(signer.baseUrl())).awaitReady();
  }

  @Test
  void prometheusTextFormatByDefault() {
    try (RunningExporter exporter = start()) {
      HttpResponse<String> r = exporter.get("/metrics");
      assertEquals(200, r.statusCode());
      assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(r.body().contains("# TYPE sbtc_exporter_source_up gauge"));
    }
  }

  @Test
  void openMetricsWhenAsked() {
    try (RunningExporter exporter = start()) {
      HttpResponse<String> r = exporter.get("/metrics", "Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
      assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
      assertTrue(r.body().endsWith("# EOF\n"));
      assertTrue(r.body().contains("# TYPE sbtc_exporter_source_errors counter"), "counters per OpenMetrics");
      assertTrue(r.body().contains("sign_requests_total{app=\"signer\""), "relayed counters keep their sample names");
    }
  }

  @Test
  void gzipWhenAsked() throws Exception {
    try (RunningExporter exporter = start()) {
      HttpRequest req = HttpRequest.newBuilder(exporter.uri("/metrics")).header("Accept-Encoding", "gzip").build();
      HttpResponse<byte[]> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElseThrow());
      String text = new String(new GZIPInputStream(new ByteArrayInputStream(r.body())).readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(text.contains("sbtc_exporter_source_up{source=\"signer_info\"} 1.0"));
    }
  }

  @Test
  void nameFilterReturnsOnlyTheAskedFamilies() {
    try (RunningExporter exporter = start()) {
      String body = exporter.get("/metrics?name[]=sbtc_exporter_source_up").body();
      assertTrue(body.contains("sbtc_exporter_source_up{source=\"signer_info\"}"));
      assertTrue(!body.contains("peers_connected"), body);
    }
  }

  @Test
  void formatsGzipAndFiltersAskedInTurnEachGetTheirOwnAnswer() throws Exception {
    try (RunningExporter exporter = start()) {
      String text = exporter.get("/metrics").body();
      HttpResponse<String> openMetrics = exporter.get("/metrics", "Accept", "application/openmetrics-text;version=1.0.0");
      assertTrue(openMetrics.headers().firstValue("Content-Type").orElseThrow().startsWith("application/openmetrics-text"));
      assertTrue(openMetrics.body().endsWith("# EOF\n"));
      HttpRequest gzipped = HttpRequest.newBuilder(exporter.uri("/metrics")).header("Accept-Encoding", "gzip").build();
      HttpResponse<byte[]> gzip = HttpClient.newHttpClient().send(gzipped, HttpResponse.BodyHandlers.ofByteArray());
      assertEquals("gzip", gzip.headers().firstValue("Content-Encoding").orElseThrow());
      HttpResponse<String> again = exporter.get("/metrics");
      assertEquals("text/plain; version=0.0.4; charset=utf-8", again.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(again.headers().firstValue("Content-Encoding").isEmpty());
      assertTrue(again.body().contains("peers_connected{app=\"signer\"} 13.0"), again.body());
      String filtered = exporter.get("/metrics?name[]=peers_connected").body();
      assertTrue(filtered.contains("peers_connected"));
      assertTrue(!filtered.contains("sbtc_exporter_source_up"), filtered);
      assertTrue(text.contains("sbtc_exporter_source_up"));
    }
  }

  @Test
  void onlyGetAndHeadOnMetrics() throws IOException, InterruptedException {
    try (RunningExporter exporter = start()) {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(exporter.uri("/metrics"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
      HttpResponse<String> head = client.send(HttpRequest.newBuilder(exporter.uri("/metrics"))
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, head.statusCode());
      assertEquals("", head.body());
    }
  }

  @Test
  void healthReadinessAndLandingPage() {
    try (RunningExporter exporter = start()) {
      assertEquals(200, exporter.get("/-/healthy").statusCode());
      assertEquals(200, exporter.get("/-/ready").statusCode());
      String page = exporter.get("/").body();
      assertTrue(page.contains("<td>signer_metrics</td><td class=\"up\">up</td>"), page);
      assertTrue(page.contains("<td>signer_info</td><td class=\"up\">up</td>"), page);
      assertEquals(404, exporter.get("/nope").statusCode());
    }
  }

  @Test
  void notReadyUntilTheFirstPollRoundIsDone() {
    signer.stubFor(get("/info").willReturn(aResponse().withFixedDelay(3_000).withBody("{}")));
    try (RunningExporter exporter = RunningExporter.start("""
        signer:
          info_url: "%s/info"
          interval: 5s
          timeout: 4s
        """.formatted(signer.baseUrl()))) {
      HttpResponse<String> r = exporter.get("/-/ready");
      assertEquals(503, r.statusCode());
      assertEquals("Not ready: waiting for the first poll of signer_info\n", r.body());
      assertEquals(200, exporter.get("/-/healthy").statusCode(), "alive while not ready");
      assertTrue(exporter.get("/metrics").body().contains("sbtc_exporter_source_up{source=\"signer_info\"} 0.0"),
          "a scrape answers at once, before any poll finished");
    }
  }

}
