package io.sbtc.exporter.source.signer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.MutableClock;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The signer's two sources end to end: WireMock upstreams, the real exporter, scrapes over HTTP. */
class SignerSourcesTest {
  @RegisterExtension
  static WireMockExtension signer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final Duration WAIT = Duration.ofSeconds(15);
  static final String UP_METRICS = "sbtc_exporter_source_up{source=\"signer_metrics\"}";
  static final String UP_INFO = "sbtc_exporter_source_up{source=\"signer_info\"}";

  static String config(String metricsUrl, String infoUrl, String extra) {
    return """
        signer:
          metrics_url: "%s"
          info_url: "%s"
          interval: 2s
          timeout: 2s
        %s""".formatted(metricsUrl, infoUrl, extra);
  }

  String config() {
    return config(signer.baseUrl() + "/metrics", signer.baseUrl() + "/info", "");
  }

  void healthyUpstreams() {
    signer.stubFor(get("/metrics").willReturn(aResponse().withHeader("Content-Type", "text/plain; version=0.0.4")
        .withBody(Fixtures.text("signer/metrics.prom"))));
    signer.stubFor(get("/info").willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody(Fixtures.text("signer/info.json"))));
  }

  @Test
  void healthySignerIsRelayedAndItsInfoExported() {
    healthyUpstreams();
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get(UP_METRICS));
      assertEquals(1.0, s.get(UP_INFO));
      assertEquals(2306.0, s.get("sign_requests_total{app=\"signer\",blockchain=\"bitcoin\",kind=\"sweep\",status=\"success\"}"));
      assertEquals(13.0, s.get("peers_connected{app=\"signer\"}"));
      assertEquals(957312.0, s.get("sbtc_signer_bitcoin_tip_height"));
      assertEquals(957312.0, s.get("sbtc_signer_bitcoin_node_tip_height"));
      assertEquals(5412208.0, s.get("sbtc_signer_stacks_tip_height"));
      assertEquals(5412337.0, s.get("sbtc_signer_stacks_node_tip_height"));
      assertEquals(957312.0, s.get("sbtc_signer_stacks_node_bitcoin_block_height"));
      assertEquals(3.0, s.get("sbtc_signer_dkg_rounds"));
      assertEquals(1.0, s.get("sbtc_signer_dkg_latest_key_matches_contract"));
      assertEquals(1.0, s.get("sbtc_signer_dkg_contract_aggregate_key_info{aggregate_key=\"02f7a3c1d9e84b56a20c3e7f19d4b8a6e5c2f01d3b7a9e4c6d8f2a1b3c5e7d9f0a\"}"));
      assertFalse(s.has("sbtc_signer_dkg_verified_key_matches_contract"), "no verified key without signer_db");
      assertTrue(s.body().contains("sbtc_signer_info{bitcoin_node_chain=\"bitcoin\",bitcoin_node_subversion=\"/Satoshi:28.1.0/\","
          + "deployer=\"SM3VDXK3WZZSA84XXFKAFAF15NNZX32CTSG82JFQ4\",git_revision=\"7c2e9f41b0d3a58e6f1c24b97a0d5e83f6b1c9a2\","
          + "network=\"mainnet\",rust_version=\"rustc 1.94.1 (e408947bf 2026-03-25)\","
          + "stacks_node_version=\"stacks-node 3.4.0.0.1 (release/3.4.0.0.1:3c1f5a9, release build, linux [x86_64])\","
          + "target_arch=\"x86_64\"} 1"), s.body());
      assertEquals(0.0, s.errors("signer_metrics", "parse"));
      assertTrue(s.body().contains("# HELP sbtc_exporter_source_up 1 if the latest poll"), "HELP says what the value means");
    }
  }

  @Test
  void signerThatJustStartedHasNullFieldsAndTheirMetricsAreAbsentNotZero() {
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info-minimal.json"))));
    try (RunningExporter exporter = RunningExporter.start(config("http://127.0.0.1:1/metrics", signer.baseUrl() + "/info", ""))
        .awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get(UP_INFO));
      assertEquals(0.0, s.get("sbtc_signer_dkg_rounds"));
      assertFalse(s.has("sbtc_signer_bitcoin_tip_height"));
      assertFalse(s.has("sbtc_signer_stacks_node_tip_height"));
      assertFalse(s.has("sbtc_signer_dkg_latest_key_matches_contract"), "absent when either key is unknown");
      assertFalse(s.series().keySet().stream().anyMatch(k -> k.startsWith("sbtc_signer_dkg_contract_aggregate_key_info")));
      assertTrue(s.body().contains("bitcoin_node_chain=\"\""), s.body());
    }
  }

  @Test
  void newestKeyThatDiffersFromTheContractIsZero() {
    String info = Fixtures.text("signer/info.json").replaceFirst(
        "\"contract_aggregate_key\":\"02f7", "\"contract_aggregate_key\":\"03aa");
    signer.stubFor(get("/info").willReturn(aResponse().withBody(info)));
    try (RunningExporter exporter = RunningExporter.start(config("http://127.0.0.1:1/metrics", signer.baseUrl() + "/info", ""))
        .awaitReady()) {
      assertEquals(0.0, exporter.scrape().get("sbtc_signer_dkg_latest_key_matches_contract"));
    }
  }

  @Test
  void signerDownIsReportedAsConnectErrorAndTheOtherSourceKeepsReporting() throws Exception {
    healthyUpstreams();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String cfg = config("http://127.0.0.1:" + closedPort + "/metrics", signer.baseUrl() + "/info", "");
    try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get(UP_METRICS));
      assertTrue(s.errors("signer_metrics", "connect") >= 1);
      assertFalse(s.has("sbtc_exporter_source_last_success_timestamp_seconds{source=\"signer_metrics\"}"));
      assertEquals(1.0, s.get(UP_INFO));
      assertEquals(957312.0, s.get("sbtc_signer_bitcoin_tip_height"));
      assertTrue(exporter.get("/").body().contains("cannot connect to http://127.0.0.1:" + closedPort + "/metrics"));
    }
  }

  @Test
  void htmlErrorPageIsAnHttpStatusError() {
    healthyUpstreams();
    signer.stubFor(get("/metrics").willReturn(aResponse().withStatus(500).withHeader("Content-Type", "text/html")
        .withBody("<html><body><h1>500 Internal Server Error</h1></body></html>")));
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      // On a loaded machine a poll can hit the 500ms timeout instead; a later one gets the answer.
      exporter.awaitScrape(s -> s.errors("signer_metrics", "http_status") >= 1 && s.get(UP_METRICS) == 0.0
          && !s.has("peers_connected{app=\"signer\"}") && s.get(UP_INFO) == 1.0, WAIT);
    }
  }

  @Test
  void htmlWithStatus200IsAParseError() {
    healthyUpstreams();
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody("<html>\n<body>login</body>\n</html>\n")));
    signer.stubFor(get("/info").willReturn(aResponse().withBody("<html>\n<body>login</body>\n</html>\n")));
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      Scrape s = exporter.scrape();
      assertTrue(s.errors("signer_metrics", "parse") >= 1);
      assertTrue(s.errors("signer_info", "parse") >= 1);
      assertEquals(0.0, s.get(UP_INFO));
    }
  }

  @Test
  void hangingSignerTimesOutAndTheScrapeStillAnswers() {
    signer.stubFor(get("/metrics").willReturn(aResponse().withFixedDelay(10_000).withBody("x 1\n")));
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      // The exporter's client gives each scrape 10s; the upstream hangs for 10s per poll, repeatedly.
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get(UP_METRICS));
      assertTrue(s.errors("signer_metrics", "timeout") >= 1);
      assertEquals(1.0, s.get(UP_INFO));
    }
  }

  @Test
  void signerRecoversAfterAnOutage() {
    healthyUpstreams();
    signer.stubFor(get("/metrics").willReturn(aResponse().withStatus(503)));
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      assertEquals(0.0, exporter.scrape().get(UP_METRICS));
      healthyUpstreams();
      exporter.awaitScrape(s -> s.value(UP_METRICS).orElse(0.0) == 1.0, WAIT);
      Scrape s = exporter.scrape();
      assertEquals(13.0, s.get("peers_connected{app=\"signer\"}"));
      assertTrue(s.errors("signer_metrics", "http_status") >= 1, "errors stay counted after recovery");
    }
  }

  @Test
  void bodyOverTheCapIsRejectedAsTooLarge() {
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody("padding_metric 1\n".repeat(200_000))));
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    String cfg = config(signer.baseUrl() + "/metrics", signer.baseUrl() + "/info", "  max_body_size: 64KiB\n");
    try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get(UP_METRICS));
      assertTrue(s.errors("signer_metrics", "too_large") >= 1);
      assertEquals(1.0, s.get(UP_INFO));
    }
  }

  @Test
  void chunkedBodyOverTheCapIsRejectedWithoutAContentLength() {
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody("padding_metric 1\n".repeat(200_000))
        .withChunkedDribbleDelay(20, 200)));
    String cfg = config(signer.baseUrl() + "/metrics", "http://127.0.0.1:1/info", "  max_body_size: 64KiB\n");
    try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
      assertTrue(exporter.scrape().errors("signer_metrics", "too_large") >= 1);
    }
  }

  @Test
  void badValuesInInfoAreParseErrors() {
    String negative = Fixtures.text("signer/info.json").replace("\"block_height\":957312", "\"block_height\":-5");
    signer.stubFor(get("/info").willReturn(aResponse().withBody(negative)));
    try (RunningExporter exporter = RunningExporter.start(config("http://127.0.0.1:1/metrics", signer.baseUrl() + "/info", ""))
        .awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get(UP_INFO));
      assertTrue(s.errors("signer_info", "parse") >= 1);
      assertFalse(s.has("sbtc_signer_bitcoin_tip_height"), "no half-believed values from a bad answer");
      assertTrue(exporter.get("/").body().contains("/bitcoin/signer_tip/block_height is not a valid count (got -5)"));
    }
  }

  @Test
  void dataOlderThanThreeIntervalsIsDroppedAndTheSourceIsDown() {
    healthyUpstreams();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
    try (RunningExporter exporter = RunningExporter.start(config(), clock).awaitReady()) {
      exporter.awaitScrape(s -> s.has("peers_connected{app=\"signer\"}"), WAIT);
      signer.stubFor(get("/metrics").willReturn(aResponse().withStatus(502)));
      exporter.awaitScrape(s -> s.get(UP_METRICS) == 0.0, WAIT);
      // Within 3 intervals the last good data is still shown, next to up=0.
      assertTrue(exporter.scrape().has("peers_connected{app=\"signer\"}"));
      clock.advance(Duration.ofSeconds(7)); // past 3 intervals of 2s
      Scrape s = exporter.scrape();
      assertFalse(s.has("peers_connected{app=\"signer\"}"), "stale relayed values are dropped");
      assertEquals(0.0, s.get(UP_METRICS));
    }
  }
}
