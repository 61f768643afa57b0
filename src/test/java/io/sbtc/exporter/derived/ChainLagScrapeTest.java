package io.sbtc.exporter.derived;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.source.bitcoin.RpcReplies;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.MutableClock;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The lag metrics as a scrape shows them, with the signer, the Bitcoin node and the Stacks node behind WireMock. */
class ChainLagScrapeTest {
  @RegisterExtension
  static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String BURN_LAG = "sbtc_stacks_burn_block_lag_blocks";
  static final String SIGNER_BITCOIN_LAG = "sbtc_signer_bitcoin_lag_blocks";
  static final String SIGNER_STACKS_LAG = "sbtc_signer_stacks_lag_blocks";

  @TempDir
  Path dir;

  String signer(String interval) {
    return """
        signer:
          info_url: "%s/info"
          interval: %s
        """.formatted(upstream.baseUrl(), interval);
  }

  String nodes(String interval) throws IOException {
    Path password = dir.resolve("pw");
    Files.writeString(password, "pw");
    return """
        bitcoin:
          rpc_url: "%1$s"
          rpc_user: "u"
          rpc_password_file: "%2$s"
          interval: %3$s
        stacks:
          rpc_url: "%1$s"
          interval: %3$s
        """.formatted(upstream.baseUrl(), password, interval);
  }

  /** Signer 2 Bitcoin and 81 Stacks blocks behind the nodes; the Stacks node one Bitcoin block behind. */
  static void stubAll() {
    upstream.stubFor(get("/info").willReturn(okJson(Fixtures.text("signer/info-behind.json"))));
    upstream.stubFor(post("/").withRequestBody(containing("\"getblockchaininfo\"")).willReturn(okJson(RpcReplies.healthy())));
    upstream.stubFor(post("/").withRequestBody(containing("\"getblockheader\"")).willReturn(okJson(RpcReplies.header())));
    upstream.stubFor(get("/v2/info").willReturn(okJson(Fixtures.text("stacks/v2-info.json")
        .replace("\"burn_block_height\": 873000", "\"burn_block_height\": 872999"))));
    upstream.stubFor(get("/v2/neighbors").willReturn(okJson(Fixtures.text("stacks/v2-neighbors.json"))));
    upstream.stubFor(get("/v2/pox").willReturn(okJson(Fixtures.text("stacks/v2-pox.json"))));
  }

  static Map<String, Double> lags(Scrape s) {
    Map<String, Double> m = new TreeMap<>();
    for (String name : new String[] {BURN_LAG, SIGNER_BITCOIN_LAG, SIGNER_STACKS_LAG}) {
      s.value(name).ifPresent(v -> m.put(name, v));
    }
    return m;
  }

  @Test
  void allFreshShowsEveryLag() throws IOException {
    stubAll();
    try (RunningExporter exporter = RunningExporter.start(signer("1h") + nodes("1h"))) {
      assertEquals(Map.of(BURN_LAG, 1.0, SIGNER_BITCOIN_LAG, 2.0, SIGNER_STACKS_LAG, 81.0), lags(exporter.awaitReady().scrape()));
    }
  }

  @Test
  void withoutNodeSectionsTheSignersViewOfItsNodesIsUsed() {
    stubAll();
    try (RunningExporter exporter = RunningExporter.start(signer("1h"))) {
      assertEquals(Map.of(SIGNER_BITCOIN_LAG, 3.0, SIGNER_STACKS_LAG, 90.0), lags(exporter.awaitReady().scrape()));
    }
  }

  @Test
  void bitcoinDownMeansNoLagThatNeedsIt() throws IOException {
    stubAll();
    upstream.stubFor(post("/").willReturn(aResponse().withStatus(500)));
    try (RunningExporter exporter = RunningExporter.start(signer("1h") + nodes("1h"))) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"bitcoin\"}"));
      assertEquals(Map.of(SIGNER_STACKS_LAG, 81.0), lags(s));
    }
  }

  @Test
  void signerDownMeansNoSignerLag() throws IOException {
    stubAll();
    upstream.stubFor(get("/info").willReturn(aResponse().withStatus(503)));
    try (RunningExporter exporter = RunningExporter.start(signer("1h") + nodes("1h"))) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"signer_info\"}"));
      assertEquals(Map.of(BURN_LAG, 1.0), lags(s));
    }
  }

  @Test
  void lagDisappearsWhenTheBitcoinSnapshotGoesStale() throws IOException {
    stubAll();
    MutableClock clock = new MutableClock(Instant.parse("2024-11-29T07:30:00Z"));
    try (RunningExporter exporter = RunningExporter.start(signer("300ms") + nodes("300ms"), clock)) {
      exporter.awaitScrape(s -> lags(s).size() == 3, Duration.ofSeconds(10));

      upstream.stubFor(post("/").willReturn(aResponse().withStatus(500)));
      exporter.awaitScrape(s -> s.get("sbtc_exporter_source_errors_total{reason=\"http_status\",source=\"bitcoin\"}") >= 1,
          Duration.ofSeconds(10));
      // Past 3 intervals: the signer and the Stacks node poll again and are fresh; bitcoin cannot.
      clock.advance(Duration.ofSeconds(5));
      exporter.awaitScrape(s -> s.has(SIGNER_STACKS_LAG), Duration.ofSeconds(10));

      Scrape s = exporter.scrape();
      assertEquals(Map.of(SIGNER_STACKS_LAG, 81.0), lags(s));
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"bitcoin\"}"));
      assertFalse(s.has("sbtc_bitcoin_blocks"));
    }
  }
}
