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
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload as an operator does it: edit the file, then SIGHUP or POST /-/reload, on a real process. */
class ReloadTest {
  @RegisterExtension
  static WireMockExtension signer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  String infoOnly() {
    return "signer:\n  info_url: \"%s/info\"\n  metrics_url: \"http://127.0.0.1:1/metrics\"\n  interval: 1s\n".formatted(signer.baseUrl());
  }

  String both() {
    return "signer:\n  info_url: \"%1$s/info\"\n  metrics_url: \"%1$s/metrics\"\n  interval: 1s\n".formatted(signer.baseUrl());
  }

  @Test
  void postReloadAppliesAGoodConfigAndRefusesABadOne() throws Exception {
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    Path config = dir.resolve("config.yml");
    Files.writeString(config, infoOnly());
    try (ExporterProcess exporter = ExporterProcess.start(config, "--web.enable-lifecycle")) {
      exporter.awaitScrape(s -> s.value("sbtc_exporter_source_up{source=\"signer_info\"}").orElse(0.0) == 1.0);
      assertFalse(exporter.scrape().has("peers_connected{app=\"signer\"}"));

      Files.writeString(config, "signer:\n  info_url: \"http://x/info\"\n  timeout: 0s\n");
      HttpResponse<String> refused = exporter.post("/-/reload");
      assertEquals(500, refused.statusCode());
      assertEquals("Not reloaded: " + config + ": signer.timeout: must be > 0 (got \"0s\")\n", refused.body());
      assertEquals(1.0, exporter.scrape().get("sbtc_exporter_source_up{source=\"signer_info\"}"), "the running config stays");

      Files.writeString(config, both());
      awaitAccepted(exporter); // the refused reload a moment ago counts against the rate limit
      exporter.awaitScrape(s -> s.has("peers_connected{app=\"signer\"}"));
      assertTrue(exporter.logs().contains("msg=\"config reloaded\""), exporter.logs());
    }
  }

  /** As in Prometheus, the lifecycle endpoint is off unless asked for; SIGHUP and the file watch do not need it. */
  @Test
  void postReloadIsOffWithoutEnableLifecycle() throws Exception {
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    signer.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    Path config = dir.resolve("config.yml");
    Files.writeString(config, infoOnly());
    try (ExporterProcess exporter = ExporterProcess.start(config)) {
      Files.writeString(config, both());
      HttpResponse<String> off = exporter.post("/-/reload");
      assertEquals(403, off.statusCode());
      assertEquals("Lifecycle API is not enabled; start with --web.enable-lifecycle, or send SIGHUP\n", off.body());
      assertFalse(exporter.logs().contains("msg=\"config reloaded\""), exporter.logs());
      exporter.signal("HUP");
      exporter.awaitScrape(s -> s.has("peers_connected{app=\"signer\"}"));
    }
  }

  /** Each reload re-reads files and may restart sources: a flood of requests gets 429 instead. */
  @Test
  void postReloadIsRateLimited() throws Exception {
    signer.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    Path config = dir.resolve("config.yml");
    Files.writeString(config, infoOnly());
    try (ExporterProcess exporter = ExporterProcess.start(config, "--web.enable-lifecycle")) {
      assertEquals(200, exporter.post("/-/reload").statusCode());
      HttpResponse<String> again = exporter.post("/-/reload");
      assertEquals(429, again.statusCode());
      assertEquals("1", again.headers().firstValue("Retry-After").orElseThrow());
      awaitAccepted(exporter);
    }
  }

  /** A world-readable secret file is worth one warning, not one at every reload; a new mode is worth another. */
  @Test
  void theSecretFileWarningComesOncePerFileAndMode() throws Exception {
    Path password = Files.writeString(dir.resolve("rpc.password"), "planted-rpc-password\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "bitcoin:\n  rpc_url: \"http://127.0.0.1:1/\"\n  rpc_user: exporter\n  rpc_password_file: \"" + password
        + "\"\n");
    try (ExporterProcess exporter = ExporterProcess.start(config)) {
      exporter.signal("HUP");
      awaitReloads(exporter, 1);
      exporter.signal("HUP");
      awaitReloads(exporter, 2);
      assertEquals(1, count(exporter.logs(), "secret file is readable by group or others"), exporter.logs());
      Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r-----"));
      exporter.signal("HUP");
      awaitReloads(exporter, 3);
      assertEquals(2, count(exporter.logs(), "secret file is readable by group or others"), exporter.logs());
      assertTrue(exporter.logs().contains("mode=rw-r-----"), exporter.logs());
    }
  }

  private static void awaitReloads(ExporterProcess exporter, int n) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
    while (count(exporter.logs(), "msg=\"config reloaded\"") < n) {
      assertTrue(System.nanoTime() < deadline, "no reload " + n + ":\n" + exporter.logs());
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  private static void awaitAccepted(ExporterProcess exporter) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline && (status = exporter.post("/-/reload").statusCode()) == 429) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertEquals(200, status);
  }

  @Test
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
      exporter.awaitScrape(s -> s.value(connectErrors).orElse(0.0) >= 2);
      double before = exporter.scrape().get(connectErrors);

      Files.writeString(config, failing); // drop the audit section, keep the signer section as it was
      exporter.signal("HUP");
      exporter.awaitScrape(s -> !s.has("sbtc_exporter_source_up{source=\"audit_listeners\"}"));
      Scrape after = exporter.scrape();
      assertTrue(after.get(connectErrors) >= before, "the unchanged source kept its error count");
      assertEquals(1.0, after.get("sbtc_exporter_source_up{source=\"signer_info\"}"));
    }
  }

}
