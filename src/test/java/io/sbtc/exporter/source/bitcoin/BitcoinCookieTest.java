package io.sbtc.exporter.source.bitcoin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.sbtc.exporter.source.bitcoin.BitcoinSourceTest.assertErrors;
import static io.sbtc.exporter.source.bitcoin.BitcoinSourceTest.bitcoinSeries;
import static io.sbtc.exporter.source.bitcoin.BitcoinSourceTest.healthy;
import static io.sbtc.exporter.source.bitcoin.BitcoinSourceTest.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.BasicCredentials;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Cookie authentication: bitcoind writes a new cookie at every start, and the exporter must follow. */
class BitcoinCookieTest {
  @RegisterExtension
  static WireMockExtension node = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String COOKIE_USER = "__cookie__";
  static final String OLD = "5f0e3c1a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f0a1c3e5b7d9f1a3c5e7b9d0f";
  static final String NEW = "c8a1e4b7d0f3a6c9e2b5d8f1a4c7e0b3d6f9a2c5e8b1d4f7a0c3e6b9d2f5a8c1";

  @TempDir
  Path dir;

  Path cookie;

  String config(String interval, String timeout) {
    cookie = dir.resolve(".cookie");
    return """
        bitcoin:
          rpc_url: "%s"
          cookie_file: "%s"
          interval: %s
          timeout: %s
        """.formatted(node.baseUrl(), cookie, interval, timeout);
  }

  /** As bitcoind does it: no trailing newline, written to a temporary file and renamed. */
  void writeCookie(String hex) throws IOException {
    Path tmp = dir.resolve(".cookie.tmp");
    Files.writeString(tmp, COOKIE_USER + ":" + hex);
    Files.move(tmp, cookie, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The node accepts {@code hex}; whatever else it is sent gets bitcoind's 401. */
  static StubMapping[] accept(String hex) {
    return new StubMapping[] {
        node.stubFor(post("/").withBasicAuth(COOKIE_USER, hex).withRequestBody(containing("\"getblockchaininfo\""))
            .atPriority(1).willReturn(okJson(RpcReplies.healthy()))),
        node.stubFor(post("/").withBasicAuth(COOKIE_USER, hex).withRequestBody(containing("\"getblockheader\""))
            .atPriority(1).willReturn(okJson(RpcReplies.header())))};
  }

  static void refuseOthers() {
    node.stubFor(post("/").atPriority(10)
        .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"jsonrpc\"")));
  }

  static boolean sent(ServeEvent e, String hex, int status) {
    String expected = "Basic " + Base64.getEncoder().encodeToString((COOKIE_USER + ":" + hex).getBytes());
    return expected.equals(e.getRequest().getHeader("Authorization")) && e.getResponse().getStatus() == status;
  }

  @Test
  void healthyWithCookie() throws IOException {
    String yaml = config("1h", "10s");
    writeCookie(OLD);
    accept(OLD);
    refuseOthers();
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(healthy(), bitcoinSeries(s));
      assertErrors(s, "none", 0);
      // One batch; the tip's time comes with getblockchaininfo, so no header request follows.
      node.verify(1, postRequestedFor(urlEqualTo("/")).withBasicAuth(new BasicCredentials(COOKIE_USER, OLD)));
    }
  }

  @Test
  void staleCookieIsAnAuthErrorNamingTheFileButNotItsContent() throws IOException {
    String yaml = config("1h", "10s");
    writeCookie(OLD);
    accept(NEW);
    refuseOthers();
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, up(s));
      assertErrors(s, "auth", 1);
      String page = exporter.get("/").body();
      assertTrue(page.contains("bitcoind refused the cookie from " + cookie), page);
      assertFalse(page.contains(OLD) || s.body().contains(OLD));
      // Read again after the 401, found unchanged: not sent a second time.
      assertEquals(1, node.findAll(postRequestedFor(urlEqualTo("/"))).size());
    }
  }

  @Test
  void missingCookieFileIsAnAuthError() {
    String yaml = config("1h", "10s");
    refuseOthers();
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, up(s));
      assertErrors(s, "auth", 1);
      assertTrue(exporter.get("/").body().contains("cannot read the cookie file " + cookie + " (NoSuchFileException); is bitcoind running?"));
      assertEquals(0, node.findAll(postRequestedFor(urlEqualTo("/"))).size());
    }
  }

  @Test
  void rotatedCookieIsReadAgainAndTheCallRetriedWithinThePoll() throws IOException {
    String yaml = config("1s", "1s");
    writeCookie(OLD);
    StubMapping[] old = accept(OLD);
    refuseOthers();
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      exporter.awaitReady().awaitScrape(s -> s.value("sbtc_bitcoin_blocks").isPresent(), Duration.ofSeconds(10));

      // bitcoind restarts: a new cookie on disk, then only the new cookie works. In between both
      // work, so no poll can see an error unless the exporter fails to follow the new cookie.
      writeCookie(NEW);
      accept(NEW);
      for (StubMapping m : old) {
        node.removeStub(m);
      }
      exporter.awaitScrape(s -> node.getAllServeEvents().stream().anyMatch(e -> sent(e, NEW, 200)), Duration.ofSeconds(10));

      Scrape s = exporter.scrape();
      assertEquals(1.0, up(s));
      assertEquals(healthy(), bitcoinSeries(s));
      assertEquals(0.0, s.get("sbtc_exporter_source_errors_total{reason=\"auth\",source=\"bitcoin\"}"));
      assertTrue(node.getAllServeEvents().stream().anyMatch(e -> sent(e, OLD, 401)), "the cached cookie was refused first");
    }
  }
}
