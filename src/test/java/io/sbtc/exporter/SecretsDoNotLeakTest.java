package io.sbtc.exporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.CapturedLogs;
import io.sbtc.exporter.testing.Await;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plants secrets in every place the config accepts one, makes every upstream fail in the ways
 * that produce messages, and greps everything an operator or an attacker could read.
 */
@Timeout(90) // Two failed polls of every source and a --check-config run.
class SecretsDoNotLeakTest {
  static final String URL_PASSWORD = "planted-url-password-7f3a";
  static final String AUTH_PASSWORD = "planted-basic-auth-password-91c2";
  static final String RPC_PASSWORD = "planted-rpc-password-5be0";
  static final String DB_PASSWORD = "planted-db-password-e7a9";

  @RegisterExtension
  static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path dir;

  @Test
  void plantedSecretsAppearNowhere() throws Exception {
    upstream.stubFor(get("/metrics").willReturn(aResponse().withStatus(401)));
    upstream.stubFor(get("/info").willReturn(aResponse().withStatus(302).withHeader("Location",
        "http://scraper:" + URL_PASSWORD + "@elsewhere.invalid/info")));
    String hash = BCrypt.withDefaults().hashToString(10, AUTH_PASSWORD.toCharArray());
    Path web = dir.resolve("web.yml");
    Files.writeString(web, "basic_auth_users:\n  prometheus: " + hash + "\n");
    upstream.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/").willReturn(aResponse().withStatus(401)));
    Path passwordFile = Files.writeString(dir.resolve("btc-password"), RPC_PASSWORD + "\n");
    Path dbPasswordFile = Files.writeString(dir.resolve("db-password"), DB_PASSWORD + "\n");
    String base = upstream.baseUrl().replace("http://", "http://scraper:" + URL_PASSWORD + "@");
    String yaml = """
        web_config_file: "%s"
        signer:
          metrics_url: "%s/metrics"
          info_url: "%s/info"
          interval: 1s
        bitcoin:
          rpc_url: "%s"
          rpc_user: exporter
          rpc_password_file: "%s"
          interval: 1s
        signer_db:
          url: "postgresql://exporter@127.0.0.1:1/signer"
          password_file: "%s"
          interval: 1s
        """.formatted(web, base, base, upstream.baseUrl(), passwordFile, dbPasswordFile);
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "listen_address: \"127.0.0.1:0\"\n" + yaml);
    List<String> secrets = List.of(URL_PASSWORD, AUTH_PASSWORD, hash, hash.substring(7), RPC_PASSWORD, DB_PASSWORD);

    CapturedLogs capture = new CapturedLogs();
    List<String> seen = new ArrayList<>();
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      String auth = "Basic " + Base64.getEncoder().encodeToString(("prometheus:" + AUTH_PASSWORD).getBytes(StandardCharsets.UTF_8));
      // Two failed polls of every source: the first failure and the repeat, which are logged differently.
      Scrape failing = Await.until("two failed polls of every source", Duration.ofSeconds(30),
          () -> Scrape.of(exporter.get("/metrics", "Authorization", auth).body()),
          s -> Stream.of("signer_metrics", "signer_info", "bitcoin", "signer_db").allMatch(source -> errors(s, source) >= 2), () -> "");
      seen.add(failing.body());
      seen.add(exporter.get("/metrics", "Authorization", auth).body());
      String landing = exporter.get("/", "Authorization", auth).body();
      seen.add(landing);
      seen.add(exporter.get("/-/ready", "Authorization", auth).body());
      seen.add(exporter.get("/metrics").body()); // the 401 page
      assertTrue(landing.contains("auth: HTTP 401 from http://&lt;secret&gt;@"), landing);
    } finally {
      capture.close();
    }
    upstream.verify(getRequestedFor(urlEqualTo("/metrics")).withHeader("Authorization",
        equalTo("Basic " + Base64.getEncoder().encodeToString(("scraper:" + URL_PASSWORD).getBytes(StandardCharsets.UTF_8)))));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--config", config.toString(), "--check-config"}, new PrintStream(out), new PrintStream(err));
    assertEquals(0, code, err.toString());
    seen.add(out.toString(StandardCharsets.UTF_8));
    seen.add(err.toString(StandardCharsets.UTF_8));
    for (String output : List.of("text", "json")) {
      ByteArrayOutputStream report = new ByteArrayOutputStream();
      int checked = Main.run(new String[] {"check", "--config", config.toString(), "--output", output, "--log.level", "info"}, new PrintStream(report), new PrintStream(report));
      assertEquals(1, checked, "the failing upstreams fail the check");
      seen.add(report.toString(StandardCharsets.UTF_8));
    }
    seen.addAll(capture.lines());
    assertFalse(capture.lines().isEmpty(), "the failing polls were logged");

    for (String text : seen) {
      for (String secret : secrets) {
        assertFalse(text.contains(secret), "secret leaked into: " + text);
      }
    }
  }

  private static double errors(Scrape s, String source) {
    return s.series().entrySet().stream()
        .filter(e -> e.getKey().startsWith("sbtc_exporter_source_errors_total{") && e.getKey().contains("source=\"" + source + "\""))
        .mapToDouble(e -> e.getValue()).sum();
  }
}
