package io.sbtc.exporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.setup.Overrides;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.testing.CapturedLogs;
import io.sbtc.exporter.testing.ExporterProcess;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.Scrape;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
    try (ExporterProcess exporter = ExporterProcess.start(config, "--web.enable-lifecycle")) {
      exporter.awaitScrape("signer_info up", s -> s.value("sbtc_exporter_source_up{source=\"signer_info\"}").orElse(0.0) == 1.0);
      assertFalse(exporter.scrape().has("peers_connected{app=\"signer\"}"));

      Files.writeString(config, "signer:\n  info_url: \"http://x/info\"\n  timeout: 0s\n");
      HttpResponse<String> refused = exporter.post("/-/reload");
      assertEquals(500, refused.statusCode());
      assertEquals("Not reloaded: " + config + ": signer.timeout: must be > 0 (got \"0s\")\n", refused.body());
      assertEquals(1.0, exporter.scrape().get("sbtc_exporter_source_up{source=\"signer_info\"}"), "the running config stays");

      Files.writeString(config, both());
      awaitAccepted(exporter); // the refused reload a moment ago counts against the rate limit
      exporter.awaitScrape("the relayed signer metrics after the reload", s -> s.has("peers_connected{app=\"signer\"}"));
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
      exporter.awaitScrape("the relayed signer metrics after SIGHUP", s -> s.has("peers_connected{app=\"signer\"}"));
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
    Await.until(n + " \"config reloaded\" log lines", Duration.ofSeconds(20), exporter::logs,
        l -> count(l, "msg=\"config reloaded\"") >= n, () -> "");
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** POST /-/reload until it is not refused by the rate limit (429); it must then be accepted. */
  private static void awaitAccepted(ExporterProcess exporter) {
    int status = Await.until("POST /-/reload past the rate limit", Duration.ofSeconds(10),
        () -> exporter.post("/-/reload").statusCode(), code -> code != 429, exporter::logs);
    assertEquals(200, status);
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
      assertTrue(exporter.logs().contains("msg=\"SIGHUP received, reloading the config\""), exporter.logs());
    }
  }

  /**
   * The root cause of issue 15's flaky ReloadTest: run under nohup, the exporter inherited an ignored
   * SIGHUP, the JVM installed no handler for it, and every SIGHUP was lost without a word. It cannot be
   * handled then, but it must be said at start, where an operator looks when a reload does nothing.
   */
  @Test
  @Timeout(90)
  void sighupIgnoredByWhateverStartedTheExporterIsSaidAtStart() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yml"), infoOnly());
    try (ExporterProcess exporter = ExporterProcess.start(ExporterProcess.Sighup.IGNORED, config)) {
      exporter.awaitLog("SIGHUP is ignored by this process");
      assertTrue(exporter.logs().contains("level=warn"), exporter.logs());
    }
  }

  /**
   * Two reloads asked for close together (a SIGHUP from the service manager and a POST from a config
   * sidecar, or an editor that saves twice). They used to run side by side: the first could read the
   * file before the second edit, finish reading last, and be applied last, so the exporter ran the
   * older config although every request had been answered with success.
   */
  @Test
  @Timeout(60)
  void aReloadAskedForDuringAnotherIsAppliedAfterItAndNeverBesideIt() throws Exception {
    Path config = dir.resolve("config.yml");
    String signerOnly = "signer:\n  info_url: \"http://127.0.0.1:1/info\"\n  interval: 1s\n";
    String withAudit = signerOnly + "audit:\n  listeners:\n    allowed_public_ports: [22]\n";
    String withBothSignerSources = "signer:\n  info_url: \"http://127.0.0.1:1/info\"\n  metrics_url: \"http://127.0.0.1:1/metrics\"\n"
        + "  interval: 1s\n";
    Files.writeString(config, signerOnly);

    CountDownLatch firstHasRead = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger reading = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    Supplier<ExporterConfig> reader = () -> {
      mostAtOnce.accumulateAndGet(reading.incrementAndGet(), Math::max);
      try {
        ExporterConfig next = withTestPort(ConfigLoader.load(config));
        if (reads.incrementAndGet() == 1) {
          firstHasRead.countDown();
          await(releaseFirst); // the first reload is slow to finish after it read the file: a busy disk, a busy CPU
        }
        return next;
      } finally {
        reading.decrementAndGet();
      }
    };
    Vertx vertx = Vertx.vertx();
    try (CapturedLogs logs = new CapturedLogs()) {
      ExporterVerticle exporter = new ExporterVerticle(withTestPort(ConfigLoader.load(config)), Clock.systemUTC(), Optional.of(reader));
      vertx.deployVerticle(exporter).await(20, TimeUnit.SECONDS);

      Files.writeString(config, withAudit);
      Future<Void> first = exporter.reload();
      assertTrue(firstHasRead.await(20, TimeUnit.SECONDS), "the first reload read the file");
      Files.writeString(config, withBothSignerSources);
      Future<Void> second = exporter.reload();
      // Hold the first reload until the second has either started beside it (the bug) or been queued behind it.
      Await.until("the second reload to start or to be queued", Duration.ofSeconds(20),
          () -> reads.get() == 2 || logs.lines().stream().anyMatch(l -> l.contains("reload requested while one runs")));
      releaseFirst.countDown();
      first.await(20, TimeUnit.SECONDS);
      second.await(20, TimeUnit.SECONDS);

      assertEquals(1, mostAtOnce.get(), "reloads ran one at a time");
      assertEquals(2, reads.get(), "the second request was not folded into the reload it arrived during");
      assertEquals(Set.of("signer_info", "signer_metrics"), sourcesServed(exporter.port()),
          "the exporter runs the config as it was at the last request");
    } finally {
      releaseFirst.countDown();
      vertx.close().await(20, TimeUnit.SECONDS);
    }
  }

  private static ExporterConfig withTestPort(ExporterConfig config) {
    return config.with(Overrides.listenAddress(io.sbtc.exporter.config.ListenAddress.parse("127.0.0.1:0").orElseThrow()));
  }

  private static Set<String> sourcesServed(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    Set<String> names = new TreeSet<>();
    Scrape.of(r.body()).series().keySet().stream().filter(k -> k.startsWith("sbtc_exporter_source_up{"))
        .forEach(k -> names.add(k.replaceAll(".*source=\"([^\"]+)\".*", "$1")));
    return names;
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released the first reload");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
