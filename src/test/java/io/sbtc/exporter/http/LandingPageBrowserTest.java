package io.sbtc.exporter.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.check.Checklist;
import io.sbtc.exporter.check.Item;
import io.sbtc.exporter.source.bitcoin.RpcReplies;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The landing page in a real browser: Debian's Chromium, headless, loads it from a running exporter
 * (TLS and basic auth on, fake upstreams, a world-readable key file) and its rendered DOM must show
 * the checklist with the failing item and its state. The screenshots stay in target/landing-page/;
 * with -Dsbtc.screenshot.docs=true the desktop one replaces docs/landing-page.png.
 */
@Timeout(180)
class LandingPageBrowserTest {
  static final String PASSWORD = "browser-test-password";
  static final Path SCREENSHOTS = Path.of("target/landing-page");

  @RegisterExtension
  static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  @Test
  void theChecklistRendersInHeadlessChromiumWithTheFailingItemAndItsState() throws Exception {
    Path chromium = ExternalTool.require("chromium");
    stubUpstreams();
    try (RunningExporter exporter = RunningExporter.start(config())) {
      awaitReady(exporter);
      String page = "https://prometheus:" + PASSWORD + "@127.0.0.1:" + exporter.uri("/").getPort() + "/";

      String rendered = chromium(chromium, "--dump-dom", page);
      assertFalse(rendered.isBlank(), "chromium printed no DOM");
      Document dom = Jsoup.parse(rendered);
      Element keyFiles = dom.selectFirst("table.checklist tr#item-key-files");
      assertNotNull(keyFiles, "the failing item's row:\n" + dom.outerHtml());
      assertEquals("fail", keyFiles.attr("data-state"));
      assertEquals("\u2717 fail", keyFiles.selectFirst("td.state").text(), "the state is written out, not only coloured");
      assertEquals("Key and config files readable by the signer's user only key-files", keyFiles.selectFirst("th[scope=row]").text());
      assertEquals(dir.resolve("signer-config.toml") + ": mode 0644, allowed 0600", keyFiles.selectFirst("td.fact").text());
      assertEquals("pass", dom.selectFirst("tr#item-backup-fresh").attr("data-state"));
      assertEquals("pass", dom.selectFirst("tr#item-signer-metrics").attr("data-state"));
      assertEquals("fail", dom.selectFirst("tr#item-ssh").attr("data-state"));
      assertTrue(dom.selectFirst("tr#item-two-factor .hint").text().startsWith("Ask: Does every way into this host"));

      List<String> rows = dom.select("table.checklist tbody tr[id]").eachAttr("id");
      assertEquals(Checklist.ITEMS.stream().map(i -> "item-" + i.id()).toList(), rows, "every item, in the checklist's order");
      for (Item item : Checklist.ITEMS) {
        assertEquals(item.runbookUrl(), dom.selectFirst("tr#item-" + item.id() + " a").attr("href"));
      }
      assertTrue(dom.selectFirst("#summary").text().startsWith("2 fail,"), dom.selectFirst("#summary").text());
      assertTrue(dom.html().indexOf("id=\"checklist\"") < dom.html().indexOf("id=\"sources\""), "the checklist comes above the sources");
      assertEquals("up", dom.select("table.sources tr").stream().filter(tr -> tr.text().startsWith("bitcoin ")).findFirst()
          .orElseThrow().child(1).text());

      // Accessible and self-contained.
      assertEquals("en", dom.selectFirst("html").attr("lang"));
      assertNotNull(dom.selectFirst("meta[name=viewport][content*=width=device-width]"));
      assertEquals(List.of("sbtc-signer-exporter"), dom.select("h1").eachText());
      assertEquals(List.of("Best-practice checklist", "Sources"), dom.select("h2").eachText());
      assertEquals(List.of("col", "col", "col", "col"), dom.select("table.checklist thead th").eachAttr("scope"));
      assertTrue(dom.select("script, link, img, iframe, object, embed, [src]").isEmpty(), "no script and nothing fetched");

      Files.createDirectories(SCREENSHOTS);
      Path phone = screenshot(chromium, page, "phone", 412, 2400);
      Path desktop = screenshot(chromium, page, "desktop", 1280, 1500);
      if (Boolean.getBoolean("sbtc.screenshot.docs")) {
        Files.copy(desktop, Path.of("docs/landing-page.png"), StandardCopyOption.REPLACE_EXISTING);
      }
      assertTrue(Files.size(phone) > 20_000 && Files.size(desktop) > 20_000, "screenshots of a full page, not a blank one");

      // The same URL without the password: the browser gets the bare 401 (an empty DOM), not the checklist.
      Document refused = Jsoup.parse(chromium(chromium, "--dump-dom", page.replace("prometheus:" + PASSWORD + "@", "")));
      assertTrue(refused.select("table.checklist").isEmpty(), refused.outerHtml());
    }
  }

  private String config() throws IOException {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    Path web = Files.writeString(dir.resolve("web.yml"), """
        tls_server_config:
          cert_file: %s
          key_file: %s
        basic_auth_users:
          prometheus: %s
        """.formatted(cert.certificatePath(), cert.privateKeyPath(), BCrypt.withDefaults().hashToString(10, PASSWORD.toCharArray())));
    Path key = Files.writeString(dir.resolve("signer-config.toml"), "[signer]\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Path backups = Files.createDirectories(dir.resolve("backups"));
    Files.writeString(backups.resolve("signer-20261130.dump"), "x".repeat(2 << 20));
    return """
        web_config_file: "%1$s"
        signer:
          metrics_url: "%2$s/metrics"
          info_url: "%2$s/info"
        bitcoin:
          rpc_url: "%2$s"
          rpc_user: exporter
          rpc_password: "${SBTC_TEST_PASSWORD}"
        stacks:
          rpc_url: "%2$s"
        audit:
          files:
            - path: "%3$s"
          ssh:
            config_file: "src/test/resources/fixtures/audit/sshd/debian12/sshd_config"
        backups:
          - name: signer-db
            path: "%4$s"
            min_size: 1MiB
        versions:
          minimum:
            bitcoind: "25.0"
        """.formatted(web, upstream.baseUrl(), key, backups);
  }

  private static void stubUpstreams() {
    upstream.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    upstream.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
    upstream.stubFor(post("/").withRequestBody(containing("\"getblockchaininfo\"")).willReturn(aResponse().withBody(RpcReplies.healthy())));
    upstream.stubFor(post("/").withRequestBody(containing("\"getblockheader\"")).willReturn(aResponse().withBody(RpcReplies.header())));
    upstream.stubFor(get("/v2/info").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-info.json"))));
    upstream.stubFor(get("/v2/neighbors").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-neighbors.json"))));
    upstream.stubFor(get("/v2/pox").willReturn(aResponse().withBody(Fixtures.text("stacks/v2-pox.json"))));
  }

  private static void awaitReady(RunningExporter exporter) {
    Await.until("the first poll round", Duration.ofSeconds(30), exporter::isReady);
  }

  private Path screenshot(Path chromium, String url, String name, int width, int height) throws IOException, InterruptedException {
    Path png = SCREENSHOTS.resolve(name + ".png").toAbsolutePath();
    Files.deleteIfExists(png);
    chromium(chromium, "--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars", url);
    byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic, png + " is a PNG");
    return png;
  }

  /** Chromium's stdout; its stderr (D-Bus and GPU chatter on a headless box) goes to a file shown on failure. */
  private String chromium(Path chromium, String... args) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--ignore-certificate-errors", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path stderr = Files.createTempFile(dir, "chromium", ".log");
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium did not finish within 60s");
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + Files.readString(stderr));
    return new String(out, java.nio.charset.StandardCharsets.UTF_8);
  }
}
