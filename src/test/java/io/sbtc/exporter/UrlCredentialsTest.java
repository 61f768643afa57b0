package io.sbtc.exporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.testing.CapturedLogs;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Credentials an operator may put into an upstream URL: the user info and the query. */
@Timeout(60)
class UrlCredentialsTest {
  static final String QUERY_TOKEN = "planted-query-token-4d1e";

  @RegisterExtension
  static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  /** A form decoder turned the '+' into a space, and the signer's proxy answered 401 to a correct password. */
  @Test
  void aPasswordWithPlusAndEscapesReachesTheUpstreamAsWritten() throws Exception {
    String expected = "Basic " + Base64.getEncoder().encodeToString("scraper:pa+ss@w/rd".getBytes(StandardCharsets.UTF_8));
    upstream.stubFor(get("/metrics").withHeader("Authorization", equalTo(expected))
        .willReturn(aResponse().withBody("# TYPE peers_connected gauge\npeers_connected 3\n")));
    upstream.stubFor(get("/metrics").atPriority(10).willReturn(aResponse().withStatus(401)));
    String base = upstream.baseUrl().replace("http://", "http://scraper:pa+ss%40w%2Frd@");
    String yaml = "signer:\n  metrics_url: \"" + base + "/metrics\"\n  interval: 1s\n";
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitScrape("the signer page read with the right password", x -> x.has("peers_connected"), Duration.ofSeconds(20)).scrape();
      assertEquals(3.0, s.get("peers_connected"));
    }
    upstream.verify(getRequestedFor(urlPathEqualTo("/metrics")).withHeader("Authorization", equalTo(expected)));
  }

  /** An endpoint behind a proxy may take its key in the query: its value is as secret as a password. */
  @Test
  void queryValuesAreMaskedInLogsPagesMetricsAndCheckConfig() throws Exception {
    upstream.stubFor(get(urlPathEqualTo("/metrics")).willReturn(aResponse().withStatus(500)));
    String yaml = "signer:\n  metrics_url: \"" + upstream.baseUrl() + "/metrics?token=" + QUERY_TOKEN + "&format=text\"\n  interval: 1s\n";
    CapturedLogs capture = new CapturedLogs();
    List<String> seen = new ArrayList<>();
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      String series = "sbtc_exporter_source_errors_total{reason=\"http_status\",source=\"signer_metrics\"}";
      Scrape failed = exporter.awaitScrape("two failed polls (the first and the repeat are logged differently)",
          x -> x.has(series) && x.get(series) >= 2, Duration.ofSeconds(20)).scrape();
      seen.add(failed.body());
      String landing = exporter.get("/").body();
      seen.add(landing);
      assertTrue(landing.contains("token=&lt;secret&gt;&amp;format=&lt;secret&gt;"), landing);
    } finally {
      capture.close();
    }
    seen.addAll(capture.lines());
    Path config = Files.writeString(dir.resolve("config.yml"), yaml);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, Main.run(new String[] {"--config", config.toString(), "--check-config"}, new PrintStream(out), new PrintStream(out)));
    seen.add(out.toString(StandardCharsets.UTF_8));
    assertFalse(capture.lines().isEmpty(), "the failing polls were logged");
    for (String text : seen) {
      assertFalse(text.contains(QUERY_TOKEN), "the query token leaked into: " + text);
    }
  }

  /** Written as a reference, the query's secret prints as written, so that the printout loads back the same. */
  @Test
  void aQuerySecretFromTheEnvironmentPrintsAsItsReference() {
    String yaml = "signer:\n  metrics_url: \"http://127.0.0.1:9184/metrics?token=${SIGNER_TOKEN}\"\n";
    Map<String, String> env = Map.of("SIGNER_TOKEN", QUERY_TOKEN);
    String printed = ConfigPrinter.toYaml(ConfigLoader.parse("config.yml", yaml, env::get));
    assertFalse(printed.contains(QUERY_TOKEN), printed);
    assertTrue(printed.contains("?token=${SIGNER_TOKEN}"), printed);
    assertEquals(printed, ConfigPrinter.toYaml(ConfigLoader.parse("config.yml", printed, env::get)), "loads back the same");
  }
}
