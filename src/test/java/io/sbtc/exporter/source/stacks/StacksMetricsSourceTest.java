package io.sbtc.exporter.source.stacks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Stacks node's own metrics endpoint relayed by {@code stacks_metrics}. The fixture has the
 * names, help texts and types stacks-core registers (stackslib/src/monitoring/prometheus.rs:24-262,
 * e.g. stacks_node_rpc_requests_total with its constant handler="all" at :25-29, the latency
 * histogram by path at :31-35), in the prometheus crate's text encoding.
 */
class StacksMetricsSourceTest {
  @RegisterExtension
  static WireMockExtension node = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static String config(String extra) {
    node.stubFor(get("/v2/info").willReturn(okJson(Fixtures.text("stacks/v2-info.json"))));
    node.stubFor(get("/v2/neighbors").willReturn(okJson(Fixtures.text("stacks/v2-neighbors.json"))));
    node.stubFor(get("/v2/pox").willReturn(okJson(Fixtures.text("stacks/v2-pox.json"))));
    return """
        stacks:
          rpc_url: "%s"
          metrics_url: "%s/metrics"
          interval: 1h
          timeout: 10s
        %s""".formatted(node.baseUrl(), node.baseUrl(), extra);
  }

  static Scrape scrapeOnce(String yaml) {
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      return exporter.awaitReady().scrape();
    }
  }

  @Test
  void nodeMetricsAreRelayedUnchangedNextToTheRpcMetrics() {
    node.stubFor(get("/metrics").willReturn(aResponse().withHeader("Content-Type", "text/plain; version=0.0.4")
        .withBody(Fixtures.text("stacks/node-metrics.prom"))));
    Scrape s = scrapeOnce(config(""));
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"stacks_metrics\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"stacks\"}"));
    assertEquals(305871.0, s.get("stacks_node_stacks_tip_height"));
    assertEquals(28714.0, s.get("stacks_node_rpc_requests_total{handler=\"all\"}"));
    assertEquals(120455.0, s.get("stacks_node_message_count{name=\"StackerDBChunk\"}"));
    assertEquals(5381.0, s.get("stacks_node_rpc_call_latencies_histogram_bucket{path=\"/v2/info\",le=\"+Inf\"}"));
    assertTrue(s.body().contains("# TYPE stacks_node_rpc_call_latencies_histogram histogram"), "the histogram stays a histogram");
    // 1 + 1 + 1 + 1 + 1 + 3 + 1 + 1 + 1 + 1 + 1 + 1 + 1 series (one histogram counts once).
    assertEquals(15.0, s.get("sbtc_stacks_metrics_relayed_series"));
    assertEquals(0.0, s.get("sbtc_stacks_metrics_skipped_lines"));
    assertEquals(305871.0, s.get("sbtc_stacks_tip_height"), "the RPC source is unaffected");
  }

  @Test
  void relayPrefixGoesInFrontOfEveryRelayedName() {
    node.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("stacks/node-metrics.prom"))));
    Scrape s = scrapeOnce(config("  relay_prefix: \"relayed_\"\n"));
    assertEquals(305871.0, s.get("relayed_stacks_node_stacks_tip_height"));
    assertFalse(s.has("stacks_node_stacks_tip_height"));
  }

  /** A node started without prometheus_bind refuses the connection: only this source is down. */
  @Test
  void nodeWithoutMetricsEndpointTakesDownOnlyTheRelay() {
    String yaml = config("").replace(node.baseUrl() + "/metrics", "http://127.0.0.1:1/metrics");
    Scrape s = scrapeOnce(yaml);
    assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"stacks_metrics\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"connect\",source=\"stacks_metrics\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"stacks\"}"));
    assertFalse(s.has("sbtc_stacks_metrics_relayed_series"));
  }

  @Test
  void pageOverMaxSeriesIsRefusedWhole() {
    node.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("stacks/node-metrics.prom"))));
    try (RunningExporter exporter = RunningExporter.start(config("  max_series: 5\n"))) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"stacks_metrics\"}"));
      assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"too_large\",source=\"stacks_metrics\"}"));
      assertFalse(s.has("stacks_node_stacks_tip_height"));
      assertTrue(exporter.get("/").body().contains("(stacks.max_series); nothing was relayed"));
    }
  }

  @Test
  void withoutMetricsUrlThereIsNoRelay() {
    Scrape s = scrapeOnce(config("").replace("  metrics_url: \"" + node.baseUrl() + "/metrics\"\n", ""));
    assertFalse(s.has("sbtc_exporter_source_up{source=\"stacks_metrics\"}"));
    node.verify(0, getRequestedFor(urlEqualTo("/metrics")));
  }
}
