package io.sbtc.exporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.ExporterProcess;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.Scrape;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload as an operator does it: edit the file, then SIGHUP or POST /-/reload, on a real process. */
class ReloadTest {
  @RegisterExtension
  static WireMockExtension signer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String AUDIT_UP = "sbtc_exporter_source_up{source=\"audit_listeners\"}";

  @TempDir
  Path dir;

  String infoOnly() {
    return "signer:\n  info_url: \"%s/info\"\n  metrics_url: \"http://127.0.0.1:1/metrics\"\n  interval: 1s\n".formatted(signer.baseUrl());
  }

  String both() {
    return "signer:\n  info_url: \"%1$s/info\"\n  metrics_url: \"%1$s/metrics\"\n  interval: 1s\n".formatted(signer.baseUrl());
  }

  @Test
  @Timeout(90)
  void postReloadAppliesAGoodConfigAndRefusesABadOne() throws Exception {
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    Path config = dir.resolve("config.yml");
    Files.writeString(config, infoOnly());
    try (ExporterProcess exporter = ExporterProcess.start(config)) {
      exporter.awaitScrape("signer_info up", s -> s.value("sbtc_exporter_source_up{source=\"signer_info\"}").orElse(0.0) == 1.0);
      assertFalse(exporter.scrape().has("peers_connected{app=\"signer\"}"));

      Files.writeString(config, "signer:\n  info_url: \"http://x/info\"\n  timeout: 0s\n");
      HttpResponse<String> refused = exporter.post("/-/reload");
      assertEquals(500, refused.statusCode());
      assertEquals("Not reloaded: " + config + ": signer.timeout: must be > 0 (got \"0s\")\n", refused.body());
      assertEquals(1.0, exporter.scrape().get("sbtc_exporter_source_up{source=\"signer_info\"}"), "the running config stays");

      Files.writeString(config, both());
      assertEquals(200, exporter.post("/-/reload").statusCode());
      exporter.awaitScrape("the relayed signer metrics after the reload", s -> s.has("peers_connected{app=\"signer\"}"));
      assertTrue(exporter.logs().contains("msg=\"config reloaded\""), exporter.logs());
    }
  }

  @Test
  @Timeout(90)
  void sighupReloadsAndUnchangedSourcesKeepTheirState() throws Exception {
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    Path config = dir.resolve("config.yml");
    // signer_metrics fails (port 1) and so counts errors; it must not be restarted by a reload that leaves it alone.
    String failing = "signer:\n  info_url: \"%s/info\"\n  metrics_url: \"http://127.0.0.1:1/metrics\"\n  interval: 1s\n"
        .formatted(signer.baseUrl());
    Files.writeString(config, failing + "audit:\n  listeners:\n    allowed_public_ports: [22]\n");
    try (ExporterProcess exporter = ExporterProcess.start(config)) {
      String connectErrors = "sbtc_exporter_source_errors_total{reason=\"connect\",source=\"signer_metrics\"}";
      exporter.awaitScrape("two connect errors of signer_metrics", s -> s.value(connectErrors).orElse(0.0) >= 2);
      double before = exporter.scrape().get(connectErrors);

      Files.writeString(config, failing); // drop the audit section, keep the signer section as it was
      exporter.signal("HUP");
      exporter.awaitScrape("audit_listeners gone after SIGHUP", s -> !s.has(AUDIT_UP));
      Scrape after = exporter.scrape();
      assertTrue(after.get(connectErrors) >= before, "the unchanged source kept its error count");
      assertEquals(1.0, after.get("sbtc_exporter_source_up{source=\"signer_info\"}"));
    }
  }
}
