package io.sbtc.exporter.source.signer;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.ExporterProcess;
import io.sbtc.exporter.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page of one million tiny series, inside the 16 MiB body cap, against the exporter as shipped
 * (its own JVM with the image's heap of 96 MiB). Parsed in full it took more heap than that: an
 * OutOfMemoryError on the event loop left a process that was alive but never answered again. The
 * relay stops at max_series instead, the HTTP server keeps answering, and the signer's other
 * source keeps reporting.
 */
class MillionSeriesTest {
  @RegisterExtension
  static WireMockExtension signer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aMillionSeriesPageIsRefusedAsTooLargeAndTheServerStaysUp(@TempDir Path dir) throws Exception {
    byte[] page = millionSeries();
    assertTrue(page.length < SignerConfig.DEFAULT_MAX_BODY_BYTES, "the page fits the default body cap: " + page.length);
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody(page)));
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    Path config = Files.writeString(dir.resolve("config.yml"), """
        signer:
          metrics_url: "%1$s/metrics"
          info_url: "%1$s/info"
          interval: 3s
          timeout: 3s
        """.formatted(signer.baseUrl()));
    try (ExporterProcess exporter = ExporterProcess.start(ExporterProcess.shippedJvmOptions(), config)) {
      exporter.awaitScrape("two too_large errors of signer_metrics", s -> s.value("sbtc_exporter_source_errors_total{reason=\"too_large\",source=\"signer_metrics\"}")
          .orElse(0.0) >= 2);
      assertTrue(exporter.isAlive());
      assertEquals(200, exporter.get("/-/healthy").statusCode());
      var scrape = exporter.scrape();
      assertEquals(0.0, scrape.up("signer_metrics"));
      assertEquals(1.0, scrape.up("signer_info"), "the other signer source keeps reporting");
      String landing = exporter.get("/").body();
      assertTrue(landing.contains("too_large: metrics from http://localhost:" + signer.getPort() + "/metrics have more than "
          + SignerConfig.DEFAULT_MAX_SERIES + " series"), landing);
    }
  }

  /** {@code x{i="<base36>"} 1}: 10^6 distinct series of one untyped family, about 15 MB. */
  private static byte[] millionSeries() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 20);
    for (int i = 0; i < 1_000_000; i++) {
      out.writeBytes(("x{i=\"" + Integer.toString(i, 36) + "\"} 1\n").getBytes(StandardCharsets.US_ASCII));
    }
    return out.toByteArray();
  }
}
