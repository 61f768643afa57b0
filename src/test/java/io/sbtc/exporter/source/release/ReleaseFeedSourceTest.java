package io.sbtc.exporter.source.release;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The optional release feed against GitHub-shaped answers: ETags, rate limits and a feed that is down. */
class ReleaseFeedSourceTest {
  @RegisterExtension
  static WireMockExtension github = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String SBTC = "/repos/stacks-sbtc/sbtc/releases";
  static final String CORE = "/repos/stacks-network/stacks-core/releases";
  static final String BITCOIN = "/repos/bitcoin/bitcoin/releases";
  /** The newest 30 tags of stacks-sbtc/sbtc as its tags API lists them, names and commits from the repository itself. */
  static final String SBTC_TAGS = "/repos/stacks-sbtc/sbtc/tags";
  /** The commit tag v1.3.3 points at in stacks-sbtc/sbtc. */
  static final String V1_3_3 = "11567fc6a111c130177e64380503acca8546aab6";

  String config() {
    // interval may not go below 1h in real configs; the exporter polls at start, which is all this test needs.
    return """
        versions:
          release_feed:
            base_url: "%s"
            interval: 1h
            timeout: 5s
        """.formatted(github.baseUrl());
  }

  void stubAll() {
    github.stubFor(get(urlPathEqualTo(SBTC)).willReturn(aResponse().withHeader("ETag", "W/\"sbtc-1\"")
        .withBody(Fixtures.text("releases/sbtc.json"))));
    github.stubFor(get(urlPathEqualTo(CORE)).willReturn(aResponse().withHeader("ETag", "W/\"core-1\"")
        .withBody(Fixtures.text("releases/stacks-core.json"))));
    github.stubFor(get(urlPathEqualTo(BITCOIN)).willReturn(aResponse().withBody(Fixtures.text("releases/bitcoin.json"))));
    github.stubFor(get(urlPathEqualTo(SBTC_TAGS)).willReturn(aResponse().withHeader("ETag", "W/\"tags-1\"")
        .withBody(Fixtures.text("releases/sbtc-tags.json"))));
  }

  @Test
  void theSignersFinalReleaseTagsAreKnownByCommitAndNotTestTagsOrCandidates() {
    stubAll();
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get("sbtc_release_tag_info{component=\"signer\",revision=\"" + V1_3_3 + "\",version=\"1.3.3\"}"));
      // v1.0.0 to v1.3.3: eleven final releases; v1.1.0-rc1, 0.0.9-rc*, v0.0.1-tt, test_* and v1.0.3-epoch32 are not.
      assertEquals(11, s.lines("sbtc_release_tag_info{").size(), String.join("\n", s.lines("sbtc_release_tag_info{")));
      assertTrue(s.lines("sbtc_release_tag_info{").stream().noneMatch(l -> l.contains("rc") || l.contains("0.0.")));
      github.verify(getRequestedFor(urlPathEqualTo(SBTC_TAGS)).withQueryParam("per_page", equalTo("100")));
    }
  }

  /** A signer built from a checkout reports the commit; one from the release image, the tag's name. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {V1_3_3, "11567fc6a1", "v1.3.3"})
  void theSignersRevisionIsItsReleaseForMinimumsAndTheLatestRelease(String revision) {
    stubAll();
    github.stubFor(get(urlPathEqualTo("/info")).willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody(Fixtures.text("signer/info.json").replace("7c2e9f41b0d3a58e6f1c24b97a0d5e83f6b1c9a2", revision))));
    String yaml = config() + """
          minimum:
            signer: "1.3.1"
        signer:
          info_url: "%s/info"
        """.formatted(github.baseUrl());
    try (RunningExporter exporter = RunningExporter.start(yaml).awaitReady()) {
      String released = "sbtc_version_revision_released{component=\"signer\",release=\"1.3.3\",revision=\"" + revision + "\"}";
      Scrape s = exporter.awaitScrape(x -> x.has(released), java.time.Duration.ofSeconds(20)).scrape();
      assertEquals(1.0, s.get(released));
      assertEquals(0.0, s.get("sbtc_version_below_minimum{component=\"signer\",minimum=\"1.3.1\",running=\"1.3.3\"}"));
      assertEquals(0.0, s.get("sbtc_release_behind{component=\"signer\"}"), "1.3.3 is newer than the feed's latest release, 1.2.1");
      assertTrue(s.lines("sbtc_version_unparsable{").isEmpty());
    }
  }

  @Test
  void aRevisionOfNoReleaseIsReportedAsSuchAndNeverPasses() {
    stubAll();
    github.stubFor(get(urlPathEqualTo("/info")).willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody(Fixtures.text("signer/info.json"))));
    String yaml = config() + """
          minimum:
            signer: "1.3.1"
        signer:
          info_url: "%s/info"
        """.formatted(github.baseUrl());
    try (RunningExporter exporter = RunningExporter.start(yaml).awaitReady()) {
      String revision = "7c2e9f41b0d3a58e6f1c24b97a0d5e83f6b1c9a2";
      String released = "sbtc_version_revision_released{component=\"signer\",release=\"\",revision=\"" + revision + "\"}";
      Scrape s = exporter.awaitScrape(x -> x.has(released), java.time.Duration.ofSeconds(20)).scrape();
      assertEquals(0.0, s.get(released));
      assertEquals(1.0, s.get("sbtc_version_unparsable{component=\"signer\",running=\"" + revision + "\"}"));
      assertTrue(s.lines("sbtc_version_below_minimum{component=\"signer\"").isEmpty());
    }
  }

  @Test
  void newestFinalReleasePerComponentSkippingPrereleasesAndSignerTags() {
    stubAll();
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"release_feed\"}"));
      assertEquals(1.0, s.get("sbtc_release_latest_info{component=\"signer\",version=\"1.2.1\"}"));
      assertEquals(1.0, s.get("sbtc_release_latest_info{component=\"stacks_node\",version=\"3.4.0.0.2\"}"));
      assertEquals(1.0, s.get("sbtc_release_latest_info{component=\"bitcoind\",version=\"30.1\"}"));
      assertEquals(1792587600.0, s.get("sbtc_release_latest_published_timestamp_seconds{component=\"bitcoind\"}")); // 2026-10-21T13:00:00Z
      github.verify(getRequestedFor(urlPathEqualTo(SBTC)).withHeader("User-Agent", equalTo("sbtc-signer-exporter")));
    }
  }

  @Test
  void rateLimitedRepoIsAnErrorWhileTheOthersStillReport() {
    stubAll();
    github.stubFor(get(urlPathEqualTo(BITCOIN)).willReturn(aResponse().withStatus(403)
        .withHeader("x-ratelimit-remaining", "0").withHeader("x-ratelimit-reset", "1795651200")
        .withBody("{\"message\":\"API rate limit exceeded\"}")));
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"release_feed\"}"));
      assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"http_status\",source=\"release_feed\"}"));
      assertTrue(s.has("sbtc_release_latest_info{component=\"signer\",version=\"1.2.1\"}"));
      assertTrue(s.lines("sbtc_release_latest_info{component=\"bitcoind\"").isEmpty());
    }
  }

  @Test
  void feedThatIsDownIsTheSourceDown() {
    github.stubFor(get(urlPathEqualTo(SBTC)).willReturn(aResponse().withStatus(502)));
    github.stubFor(get(urlPathEqualTo(CORE)).willReturn(aResponse().withStatus(502)));
    github.stubFor(get(urlPathEqualTo(BITCOIN)).willReturn(aResponse().withStatus(502)));
    try (RunningExporter exporter = RunningExporter.start(config()).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"release_feed\"}"));
      assertTrue(s.get("sbtc_exporter_source_errors_total{reason=\"http_status\",source=\"release_feed\"}") >= 1);
      assertTrue(s.lines("sbtc_release_latest_info").isEmpty());
    }
  }

  @Test
  void etagIsSentBackAndA304KeepsTheLastAnswer() throws Exception {
    stubAll();
    io.sbtc.exporter.source.release.VersionsConfig.ReleaseFeed feed = io.sbtc.exporter.setup.ConfigLoader.parse("t.yml", config(),
        java.util.Map.<String, String>of()::get).section(VersionsConfig.class).orElseThrow().releaseFeed().orElseThrow();
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      ReleaseFeedSource source = new ReleaseFeedSource(vertx, feed);
      source.poll(io.sbtc.exporter.core.Poll.start(java.time.Duration.ofSeconds(10))).await(10, java.util.concurrent.TimeUnit.SECONDS);
      github.stubFor(get(urlPathEqualTo(SBTC)).withHeader("If-None-Match", equalTo("W/\"sbtc-1\""))
          .willReturn(aResponse().withStatus(304)));
      var second = source.poll(io.sbtc.exporter.core.Poll.start(java.time.Duration.ofSeconds(10))).await(10, java.util.concurrent.TimeUnit.SECONDS);
      github.verify(getRequestedFor(urlPathEqualTo(SBTC)).withHeader("If-None-Match", equalTo("W/\"sbtc-1\"")));
      assertEquals(java.util.List.of(), second.partialErrors());
      assertTrue(second.metrics().get(0).getDataPoints().stream()
          .anyMatch(p -> p.getLabels().get("version").equals("1.2.1")), "the 304 kept the cached release");
    } finally {
      vertx.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

}
