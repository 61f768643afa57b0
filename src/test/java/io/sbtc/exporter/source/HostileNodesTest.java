package io.sbtc.exporter.source;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Bitcoin and Stacks node sources against an upstream that answers every request with the same
 * hostile answer. Each case ends as source_up 0 with the right reason, and the signer's source,
 * polled from a healthy upstream next to it, keeps reporting.
 */
class HostileNodesTest {
  @RegisterExtension
  static WireMockExtension hostile = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
  @RegisterExtension
  static WireMockExtension good = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static String section(String source, String url) {
    return source.equals("bitcoin")
        ? "bitcoin:\n  rpc_url: \"" + url + "\"\n  rpc_user: exporter\n  rpc_password: \"${" + RunningExporter.TEST_PASSWORD_VAR + "}\"\n  interval: 2s\n  timeout: 2s\n"
        : "stacks:\n  rpc_url: \"" + url + "\"\n  interval: 2s\n  timeout: 2s\n";
  }

  static Scrape scrape(String source, String url, String extra) {
    good.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    String cfg = "signer:\n  info_url: \"" + good.baseUrl() + "/info\"\n  interval: 2s\n" + section(source, url) + extra;
    try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.up("signer_info"), "the other source keeps reporting");
      assertEquals(957312.0, s.get("sbtc_signer_bitcoin_tip_height"));
      assertEquals(0.0, s.up(source), s.body());
      return s;
    }
  }

  static Stream<Arguments> cases() {
    Supplier<ResponseDefinitionBuilder> redirect = () -> aResponse().withStatus(307).withHeader("Location", "http://127.0.0.2:9/elsewhere");
    Stream.Builder<Arguments> b = Stream.builder();
    for (String source : new String[] {"bitcoin", "stacks"}) {
      b.add(Arguments.of(source, "redirect to another host", redirect.get(), "http_status"));
      b.add(Arguments.of(source, "invalid UTF-8", aResponse().withBody(new byte[] {'{', '"', (byte) 0xc3, (byte) 0x28, '"', '}'}), "parse"));
      b.add(Arguments.of(source, "deeply nested JSON", aResponse().withBody("[".repeat(50_000) + "]".repeat(50_000)), "parse"));
      b.add(Arguments.of(source, "body over the cap", aResponse().withBody("{\"pad\":\"" + "x".repeat(6 << 20) + "\"}"), "too_large"));
      b.add(Arguments.of(source, "one byte at a time", aResponse().withBody("{\"result\":null}".repeat(20)).withChunkedDribbleDelay(20, 20_000),
          "timeout"));
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void hostileAnswerIsTheSourceDownWithItsReason(String source, String what, ResponseDefinitionBuilder answer, String reason) {
    hostile.stubFor(any(anyUrl()).willReturn(answer));
    Scrape s = scrape(source, hostile.baseUrl(), "");
    assertTrue(s.errors(source, reason) >= 1, what + ": " + s.lines("sbtc_exporter_source_errors_total{"));
  }

  @Test
  void impossibleHeightsAreParseErrorsNotMetrics() {
    String info = Fixtures.text("stacks/v2-info.json").replaceFirst("\"stacks_tip_height\":\\s*\\d+", "\"stacks_tip_height\": 1e400")
        .replaceFirst("\"burn_block_height\":\\s*\\d+", "\"burn_block_height\": NaN");
    hostile.stubFor(any(anyUrl()).willReturn(aResponse().withBody(info)));
    Scrape s = scrape("stacks", hostile.baseUrl(), "");
    assertTrue(s.errors("stacks", "parse") >= 1);
    assertFalse(s.has("sbtc_stacks_tip_height"));
  }

  @Test
  void redirectIsNotFollowedToTheOtherHost() {
    WireMockServer elsewhere = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.2"));
    elsewhere.start();
    try {
      hostile.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(302)
          .withHeader("Location", "http://127.0.0.2:" + elsewhere.port() + "/v2/info")));
      scrape("stacks", hostile.baseUrl(), "");
      scrape("bitcoin", hostile.baseUrl(), "");
      assertEquals(0, elsewhere.findAll(anyRequestedFor(anyUrl())).size());
    } finally {
      elsewhere.stop();
    }
  }

  @Test
  void tlsNodeWithAnUntrustedCertificateFailsUnlessTheConfigTrustsItsCa(@TempDir Path dir) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    Path keystore = dir.resolve("node.p12");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("node", Pem.key(cert.privateKeyPath()), "changeit".toCharArray(), new Certificate[] {Pem.cert(cert.certificatePath())});
    try (FileOutputStream out = new FileOutputStream(keystore.toFile())) {
      ks.store(out, "changeit".toCharArray());
    }
    WireMockServer tls = new WireMockServer(wireMockConfig().httpDisabled(true).dynamicHttpsPort()
        .keystorePath(keystore.toString()).keystorePassword("changeit").keyManagerPassword("changeit").keystoreType("PKCS12"));
    tls.start();
    try {
      String url = "https://localhost:" + tls.httpsPort();
      for (String source : new String[] {"bitcoin", "stacks"}) {
        Scrape untrusted = scrape(source, url, "");
        assertTrue(untrusted.errors(source, "tls") >= 1, source + ": " + untrusted.lines("sbtc_exporter_source_errors_total{"));
      }
      tls.stubFor(get("/v2/info").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-info.json"))));
      tls.stubFor(get("/v2/neighbors").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-neighbors.json"))));
      tls.stubFor(get("/v2/pox").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-pox.json"))));
      String cfg = section("stacks", url) + "  tls_ca_file: \"" + cert.certificatePath() + "\"\n";
      try (RunningExporter exporter = RunningExporter.start(cfg).awaitReady()) {
        assertEquals(1.0, exporter.scrape().up("stacks"));
      }
    } finally {
      tls.stop();
    }
  }
}
