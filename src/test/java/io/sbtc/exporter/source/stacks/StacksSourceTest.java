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
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stacks source against WireMock playing a Stacks node, seen through real scrapes. */
class StacksSourceTest {
  @RegisterExtension
  static WireMockExtension node = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /**
   * stacks-core 4.0.2: "{name} {version} ({git_commit}{clean}, {build} build, {os} [{arch}])", with
   * a short commit and no branch (stackslib/src/lib.rs:88-107, stacks-common/build.rs:17-26).
   */
  static final String VERSION = "stacks-node 4.0.2 (1b57c3fb67, release build, linux [x86_64])";
  static final String INFO_SERIES = "sbtc_stacks_info{network_id=\"1\",server_version=\"" + VERSION + "\"}";

  /** What a user sees from the healthy fixtures; tip_changed is checked apart. */
  static Map<String, Double> healthy() {
    Map<String, Double> m = new TreeMap<>();
    m.put("sbtc_stacks_tip_height", 305871.0);
    m.put("sbtc_stacks_burn_block_height", 873000.0);
    m.put("sbtc_stacks_tenure_height", 171723.0);
    m.put("sbtc_stacks_fully_synced", 1.0);
    m.put("sbtc_stacks_peers{direction=\"inbound\"}", 2.0);
    m.put("sbtc_stacks_peers{direction=\"outbound\"}", 3.0);
    m.put("sbtc_stacks_reward_cycle", 98.0);
    m.put("sbtc_stacks_epoch", 3.0);
    m.put(INFO_SERIES, 1.0);
    return m;
  }

  static Map<String, Double> stacksSeries(Scrape s) {
    Map<String, Double> m = new TreeMap<>();
    s.series().forEach((k, v) -> {
      if (k.startsWith("sbtc_stacks_") && !k.startsWith("sbtc_stacks_tip_changed_timestamp_seconds")) {
        m.put(k, v);
      }
    });
    return m;
  }

  static void assertErrors(Scrape s, String reason, double count) {
    for (String r : new String[] {"timeout", "connect", "tls", "http_status", "auth", "parse", "too_large", "other"}) {
      assertEquals(r.equals(reason) ? count : 0.0, s.get("sbtc_exporter_source_errors_total{reason=\"" + r + "\",source=\"stacks\"}"),
          "errors_total reason=" + r);
    }
  }

  static double up(Scrape s) {
    return s.get("sbtc_exporter_source_up{source=\"stacks\"}");
  }

  /** Tests that poll once use a generous timeout: a first poll in a cold JVM can take seconds. */
  static String config(String interval, String timeout) {
    return """
        stacks:
          rpc_url: "%s"
          interval: %s
          timeout: %s
        """.formatted(node.baseUrl(), interval, timeout);
  }

  static void stub(String path, String fixture) {
    node.stubFor(get(path).willReturn(okJson(Fixtures.text(fixture))));
  }

  static void stubHealthy() {
    stub("/v2/info", "stacks/v2-info.json");
    stub("/v2/neighbors", "stacks/v2-neighbors.json");
    stub("/v2/pox", "stacks/v2-pox.json");
  }

  static Scrape scrapeOnce(String yaml) {
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      return exporter.awaitReady().scrape();
    }
  }

  @Test
  void healthyNodeShowsEveryMetric() {
    stubHealthy();
    double before = System.currentTimeMillis() / 1000.0;
    Scrape s = scrapeOnce(config("1h", "10s"));
    double after = System.currentTimeMillis() / 1000.0;
    assertEquals(healthy(), stacksSeries(s));
    assertEquals(1.0, up(s));
    assertErrors(s, "none", 0);
    double changed = s.get("sbtc_stacks_tip_changed_timestamp_seconds");
    assertTrue(changed >= before - 0.001 && changed <= after + 0.001, "tip first seen during the test, got " + changed);
  }

  /**
   * The fixtures follow stacks-core 4.0.2: /v2/info is RPCPeerInfoData (stackslib/src/net/api/getinfo.rs:55-85,
   * no "affirmations" any more) and /v2/pox is RPCPoxInfoData (stackslib/src/net/api/getpoxinfo.rs:109-147,
   * with current_epoch and the pox_5_* contracts). A 3.0 node's shapes (the *-3.0.json fixtures) read the same.
   */
  @Test
  void olderNodeShapesReadTheSame() {
    stubHealthy();
    stub("/v2/info", "stacks/v2-info-3.0.json");
    stub("/v2/pox", "stacks/v2-pox-3.0.json");
    Map<String, Double> expected = healthy();
    expected.remove(INFO_SERIES);
    expected.put("sbtc_stacks_info{network_id=\"1\",server_version=\"stacks-node 3.0.0.0.3 (release/3.0.0.0.3:01a04d0, release build, linux [x86_64])\"}", 1.0);
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertEquals(expected, stacksSeries(s));
    assertErrors(s, "none", 0);
  }

  /**
   * Before 3.3.0.0.2 /v2/pox has no current_epoch (added in stacks-core 69f73790b9, "feat: Add
   * current_epoch to RPCPoxInfoData"); the node works it out as the last epoch whose start_height the
   * burn tip has reached (stackslib/src/net/api/getpoxinfo.rs:439-446), and so does the exporter.
   * At burn height 944000 that is Epoch34 (start 943333 in the fixture), not Epoch40 (960230).
   */
  @Test
  void epochWithoutCurrentEpochIsWorkedOutFromTheEpochList() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode pox = (com.fasterxml.jackson.databind.node.ObjectNode)
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(Fixtures.text("stacks/v2-pox.json"));
    pox.remove("current_epoch");
    pox.put("current_burnchain_block_height", 944000);
    stubHealthy();
    node.stubFor(get("/v2/pox").willReturn(okJson(pox.toString())));
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertEquals(3.4, s.get("sbtc_stacks_epoch"));
    assertErrors(s, "none", 0);
  }

  /** Epoch ids are the StacksEpochId variant names (stacks-common/src/types/mod.rs:155-171): Epoch2_05 is 2.05, Epoch21 is 2.1. */
  @Test
  void epochIdsBecomeNumbersThatOrderLikeTheEpochs() {
    assertEquals(2.05, StacksEpoch.number("Epoch2_05", "t"));
    assertEquals(2.1, StacksEpoch.number("Epoch21", "t"));
    assertEquals(1.0, StacksEpoch.number("Epoch10", "t"));
    assertEquals(4.1, StacksEpoch.number("Epoch41", "t"));
    assertTrue(StacksEpoch.number("Epoch2_05", "t") < StacksEpoch.number("Epoch21", "t"));
    assertTrue(StacksEpoch.number("Epoch25", "t") < StacksEpoch.number("Epoch30", "t"));
  }

  @Test
  void unknownEpochIdIsAParseErrorOfPoxOnly() {
    stubHealthy();
    node.stubFor(get("/v2/pox").willReturn(okJson(Fixtures.text("stacks/v2-pox.json").replace("\"current_epoch\": \"Epoch30\"", "\"current_epoch\": \"Nakamoto\""))));
    Map<String, Double> expected = healthy();
    expected.remove("sbtc_stacks_epoch");
    expected.remove("sbtc_stacks_reward_cycle");
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertEquals(expected, stacksSeries(s));
    assertErrors(s, "parse", 1);
    assertEquals(1.0, up(s));
  }

  @Test
  void syncingNode() {
    stubHealthy();
    stub("/v2/info", "stacks/v2-info-syncing.json");
    Map<String, Double> expected = healthy();
    expected.put("sbtc_stacks_tip_height", 128761.0);
    expected.put("sbtc_stacks_burn_block_height", 812407.0);
    expected.put("sbtc_stacks_tenure_height", 128761.0);
    expected.put("sbtc_stacks_fully_synced", 0.0);
    assertEquals(expected, stacksSeries(scrapeOnce(config("1h", "10s"))));
  }

  @Test
  void failingNeighborsKeepTheChainMetrics() {
    stubHealthy();
    node.stubFor(get("/v2/neighbors").willReturn(aResponse().withStatus(500).withBody("internal error")));
    Map<String, Double> expected = healthy();
    expected.remove("sbtc_stacks_peers{direction=\"inbound\"}");
    expected.remove("sbtc_stacks_peers{direction=\"outbound\"}");
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertEquals(expected, stacksSeries(s));
    assertEquals(1.0, up(s));
    assertErrors(s, "http_status", 1);
  }

  @Test
  void failingInfoKeepsPeersAndCycle() {
    stubHealthy();
    node.stubFor(get("/v2/info").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
        .withBody("<html><body>502 Bad Gateway</body></html>")));
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertEquals(Map.of("sbtc_stacks_peers{direction=\"inbound\"}", 2.0, "sbtc_stacks_peers{direction=\"outbound\"}", 3.0,
        "sbtc_stacks_reward_cycle", 98.0, "sbtc_stacks_epoch", 3.0), stacksSeries(s));
    assertFalse(s.has("sbtc_stacks_tip_changed_timestamp_seconds"));
    assertEquals(1.0, up(s));
    assertErrors(s, "parse", 1);
  }

  @Test
  void nodeDownIsASourceDownWithItsReason() {
    Scrape s = scrapeOnce(config("1h", "10s").replace(node.baseUrl(), "http://127.0.0.1:1"));
    assertEquals(0.0, up(s));
    assertErrors(s, "connect", 1);
    assertEquals(Map.of(), stacksSeries(s));
  }

  @Test
  void everyEndpointFailingIsOneErrorWithTheFirstReason() {
    node.stubFor(get(urlEqualTo("/v2/info")).willReturn(aResponse().withStatus(200).withBody("{\"peer_version\":4026")));
    node.stubFor(get(urlEqualTo("/v2/neighbors")).willReturn(aResponse().withStatus(404)));
    node.stubFor(get(urlEqualTo("/v2/pox")).willReturn(aResponse().withStatus(404)));
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertEquals(0.0, up(s));
    assertErrors(s, "parse", 1);
  }

  @Test
  void hangingNodeTimesOut() {
    node.stubFor(get(urlEqualTo("/v2/info")).willReturn(okJson(Fixtures.text("stacks/v2-info.json")).withFixedDelay(3000)));
    node.stubFor(get(urlEqualTo("/v2/neighbors")).willReturn(okJson(Fixtures.text("stacks/v2-neighbors.json")).withFixedDelay(3000)));
    node.stubFor(get(urlEqualTo("/v2/pox")).willReturn(okJson(Fixtures.text("stacks/v2-pox.json")).withFixedDelay(3000)));
    Scrape s = scrapeOnce(config("1h", "300ms"));
    assertEquals(0.0, up(s));
    assertErrors(s, "timeout", 1);
    assertEquals(Map.of(), stacksSeries(s));
  }

  @Test
  void oneHangingEndpointFailsAlone() {
    stubHealthy();
    node.stubFor(get(urlEqualTo("/v2/pox")).willReturn(okJson(Fixtures.text("stacks/v2-pox.json")).withFixedDelay(6000)));
    Map<String, Double> expected = healthy();
    expected.remove("sbtc_stacks_reward_cycle");
    expected.remove("sbtc_stacks_epoch");
    Scrape s = scrapeOnce(config("1h", "3s"));
    assertEquals(expected, stacksSeries(s));
    assertEquals(1.0, up(s));
    assertErrors(s, "timeout", 1);
  }

  @Test
  void missingAndNullFieldsAreAbsent() {
    stubHealthy();
    // A 2.x node: no tenure_height and no is_fully_synced; the tip hash null, as a broken proxy might send it.
    node.stubFor(get("/v2/info").willReturn(okJson("""
        {"peer_version":402653189,"burn_block_height":840000,"server_version":null,"network_id":1,
         "stacks_tip_height":150123,"stacks_tip":null,"unanchored_tip":null}""")));
    node.stubFor(get("/v2/pox").willReturn(okJson("{\"reward_cycle_id\":82,\"current_cycle\":null}")));
    node.stubFor(get("/v2/neighbors").willReturn(okJson("{\"bootstrap\":[],\"sample\":[],\"inbound\":[]}")));
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertEquals(Map.of(
        "sbtc_stacks_tip_height", 150123.0,
        "sbtc_stacks_burn_block_height", 840000.0,
        "sbtc_stacks_peers{direction=\"inbound\"}", 0.0,
        "sbtc_stacks_reward_cycle", 82.0,
        "sbtc_stacks_info{network_id=\"1\",server_version=\"\"}", 1.0), stacksSeries(s));
    assertFalse(s.has("sbtc_stacks_tip_changed_timestamp_seconds"));
    assertErrors(s, "none", 0);
  }

  @Test
  void negativeHeightIsAParseErrorOfThatEndpoint() {
    stubHealthy();
    node.stubFor(get("/v2/info").willReturn(okJson(Fixtures.text("stacks/v2-info.json").replace("\"stacks_tip_height\": 305871",
        "\"stacks_tip_height\": -1"))));
    Scrape s = scrapeOnce(config("1h", "10s"));
    assertFalse(s.has("sbtc_stacks_tip_height"));
    assertFalse(s.has("sbtc_stacks_burn_block_height"), "nothing of an endpoint whose answer is partly wrong");
    assertEquals(3.0, s.get("sbtc_stacks_peers{direction=\"outbound\"}"));
    assertErrors(s, "parse", 1);
  }

  @Test
  void tipChangeMovesTheChangeTime() {
    stubHealthy();
    try (RunningExporter exporter = RunningExporter.start(config("300ms", "300ms"))) {
      double first = exporter.awaitScrape(s -> s.has("sbtc_stacks_tip_changed_timestamp_seconds"), Duration.ofSeconds(10))
          .scrape().get("sbtc_stacks_tip_changed_timestamp_seconds");
      int polls = node.findAll(getRequestedFor(urlEqualTo("/v2/info"))).size();
      exporter.awaitScrape(s -> node.findAll(getRequestedFor(urlEqualTo("/v2/info"))).size() >= polls + 3
          && s.has("sbtc_stacks_tip_changed_timestamp_seconds"), Duration.ofSeconds(10));
      assertEquals(first, exporter.scrape().get("sbtc_stacks_tip_changed_timestamp_seconds"), "same tip, same change time");

      node.stubFor(get("/v2/info").willReturn(okJson(Fixtures.text("stacks/v2-info.json")
          .replace("\"stacks_tip_height\": 305871", "\"stacks_tip_height\": 305872")
          .replace("ae92f04e6c480605dfd5b44258cbf13d076728f4294c6cecaceed8fd608b4dbf",
              "1b7d3f0e2c4a6b8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f"))));
      exporter.awaitScrape(s -> s.value("sbtc_stacks_tip_height").orElse(0.0) == 305872.0, Duration.ofSeconds(10));
      assertTrue(exporter.scrape().get("sbtc_stacks_tip_changed_timestamp_seconds") > first);
    }
  }
}
