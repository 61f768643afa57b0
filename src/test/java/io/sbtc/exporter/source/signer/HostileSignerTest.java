package io.sbtc.exporter.source.signer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.Pem;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.FileOutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A signer endpoint (or something pretending to be one) that misbehaves. Each case ends as
 * source_up 0 with the right reason, and the other signer source keeps reporting.
 */
class HostileSignerTest {
  @RegisterExtension
  static WireMockExtension bad = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static WireMockExtension good = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** The metrics source talks to the bad upstream, the info source to a good one. */
  static Scrape scrapeWithBadMetrics(String badUrl, String extra) {
    good.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    String cfg = """
        signer:
          metrics_url: "%s"
          info_url: "%s/info"
          interval: 2s
          timeout: 2s
        %s""".formatted(badUrl, good.baseUrl(), extra);
    try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"signer_info\"}"), "the other source keeps reporting");
      assertEquals(957312.0, s.get("sbtc_signer_bitcoin_tip_height"));
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"signer_metrics\"}"));
      return s;
    }
  }

  static Scrape scrapeWithBadInfo(String body) {
    bad.stubFor(get("/info").willReturn(aResponse().withBody(body)));
    good.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    String cfg = """
        signer:
          metrics_url: "%s/metrics"
          info_url: "%s/info"
          interval: 2s
          timeout: 2s
        """.formatted(good.baseUrl(), bad.baseUrl());
    try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"signer_metrics\"}"));
      assertEquals(13.0, s.get("peers_connected{app=\"signer\"}"));
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"signer_info\"}"));
      return s;
    }
  }

  @Test
  void serverThatSendsOneByteAtATimeTimesOut() {
    bad.stubFor(get("/metrics").willReturn(aResponse().withBody("peers_connected 1\n".repeat(50)).withChunkedDribbleDelay(50, 25_000)));
    Scrape s = scrapeWithBadMetrics(bad.baseUrl() + "/metrics", "");
    assertTrue(s.errors("signer_metrics", "timeout") >= 1);
  }

  @Test
  void redirectToAnotherHostIsNotFollowed() {
    WireMockServer elsewhere = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.2"));
    elsewhere.start();
    try {
      elsewhere.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
      bad.stubFor(get("/metrics").willReturn(aResponse().withStatus(302)
          .withHeader("Location", "http://127.0.0.2:" + elsewhere.port() + "/metrics")));
      Scrape s = scrapeWithBadMetrics(bad.baseUrl() + "/metrics", "");
      assertTrue(s.errors("signer_metrics", "http_status") >= 1);
      assertEquals(0, elsewhere.findAll(anyRequestedFor(anyUrl())).size(), "the exporter never went to the other host");
    } finally {
      elsewhere.stop();
    }
  }

  @Test
  void invalidUtf8IsAParseError() {
    bad.stubFor(get("/metrics").willReturn(aResponse().withBody(new byte[] {'u', 'p', ' ', '1', '\n', (byte) 0xff, (byte) 0xfe, '\n'})));
    Scrape s = scrapeWithBadMetrics(bad.baseUrl() + "/metrics", "");
    assertTrue(s.errors("signer_metrics", "parse") >= 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "deeply nested", "1e400", "99999999999999999999999", "NaN", "-1", "12.5", "\"957312\"",
  })
  void infoWithImpossibleValuesIsAParseError(String kind) {
    String info = Fixtures.text("signer/info.json");
    String body = kind.equals("deeply nested")
        ? "[".repeat(100_000) + "]".repeat(100_000)
        : info.replaceFirst("\"block_height\":957312", "\"block_height\":" + kind);
    Scrape s = scrapeWithBadInfo(body);
    assertTrue(s.errors("signer_info", "parse") >= 1, kind);
  }

  @Test
  void tlsUpstreamWithAnUntrustedCertificateFailsUnlessTheConfigTrustsItsCa(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    Path keystore = dir.resolve("upstream.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("upstream", Pem.key(cert.privateKeyPath()), "changeit".toCharArray(),
        new Certificate[] {Pem.cert(cert.certificatePath())});
    try (FileOutputStream out = new FileOutputStream(keystore.toFile())) {
      ks.store(out, "changeit".toCharArray());
    }
    WireMockServer tls = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
        .keystorePath(keystore.toString()).keystorePassword("changeit").keyManagerPassword("changeit").keystoreType("PKCS12"));
    tls.start();
    try {
      tls.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
      String url = "https://localhost:" + tls.httpsPort() + "/metrics";
      Scrape untrusted = scrapeWithBadMetrics(url, "");
      assertTrue(untrusted.errors("signer_metrics", "tls") >= 1, untrusted.body());

      good.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
      String cfg = """
          signer:
            metrics_url: "%s"
            info_url: "%s/info"
            interval: 1s
            tls_ca_file: "%s"
          """.formatted(url, good.baseUrl(), cert.certificatePath());
      try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
        assertEquals(1.0, exporter.scrape().get("sbtc_exporter_source_up{source=\"signer_metrics\"}"));
      }
    } finally {
      tls.stop();
    }
  }
}
