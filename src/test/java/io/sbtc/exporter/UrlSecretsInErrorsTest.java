package io.sbtc.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.testing.CapturedLogs;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A password in a URL may hold any character, and a URL with a mistake in it is exactly the one
 * whose parts cannot be told apart: a config error about a URL shows only what cannot be secret,
 * wherever it is read (stderr, the log, the answer to POST /-/reload).
 */
class UrlSecretsInErrorsTest {
  /** Each part between the special characters is distinctive, so that any fragment of it would be found. */
  static final List<String> PASSWORDS = List.of("hunter2@X9qv/Zk7w Lm3p", "Qq8z/Rr4@Ww2 Ee5a@Tt6", "Pp1x Yy2@Uu3/Ii4");

  static Stream<String> brokenUrls() {
    List<String> urls = new ArrayList<>();
    for (String pw : PASSWORDS) {
      urls.add("signer:\n  metrics_url: \"ftp://scraper:" + pw + "@127.0.0.1:9184/metrics\"");
      urls.add("signer:\n  metrics_url: \"http://scraper:" + pw + "@127.0.0.1:9184/metrics\"");
      urls.add("signer:\n  metrics_url: \"scraper:" + pw + "@127.0.0.1:9184/metrics\"");
      urls.add("bitcoin:\n  rpc_url: \"http://scraper:" + pw + "@/\"");
      urls.add("stacks:\n  rpc_url: \"http://scraper:" + pw + "\"");
      urls.add("signer_db:\n  url: \"postgresql://exporter:" + pw + "@127.0.0.1:5432/signer\"");
      urls.add("signer_db:\n  url: \"jdbc:postgresql://127.0.0.1:5432/signer?user=exporter&password=" + pw + "\"");
      urls.add("signer_db:\n  url: \"postgres ql://exporter:" + pw + "@127.0.0.1/signer\"");
      // Not valid YAML: the parser's own message quotes the line.
      urls.add("signer:\n  metrics_url: \"http://scraper:" + pw + "@127.0.0.1:9184/metrics\n");
      urls.add("signer: {metrics_url: 'http://scraper:" + pw + "@127.0.0.1:9184/metrics', x\n");
    }
    return urls.stream();
  }

  @ParameterizedTest
  @MethodSource("brokenUrls")
  void theConfigErrorShowsNoPartOfThePassword(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("config.yml", yaml, Map.<String, String>of()::get));
    assertNoPassword(e.getMessage());
    assertTrue(e.getMessage().startsWith("config.yml: "), e.getMessage());
  }

  @Test
  void whatCannotBeSecretIsStillShown() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("config.yml",
        "signer:\n  metrics_url: \"ftp://scraper:" + PASSWORDS.get(0) + "@127.0.0.1:9184/metrics\"", Map.<String, String>of()::get));
    assertEquals("config.yml: signer.metrics_url: must be a URL starting with http:// or https:// (got \"ftp://<secret>@...\")",
        e.getMessage());
    ConfigException noScheme = assertThrows(ConfigException.class, () -> ConfigLoader.parse("config.yml",
        "stacks:\n  rpc_url: \"127.0.0.1:20443\"", Map.<String, String>of()::get));
    assertEquals("config.yml: stacks.rpc_url: must be a URL starting with http:// or https:// (got \"127.0.0.1:20443\")", noScheme.getMessage());
  }

  /** stderr at start, and the log line and the 500 answer of a reload that is refused. */
  @Test
  void neitherStderrNorTheLogNorTheReloadAnswerShowsThePassword(@TempDir Path dir) throws Exception {
    String bad = "listen_address: \"127.0.0.1:0\"\nsigner:\n  metrics_url: \"http://scraper:" + PASSWORDS.get(0) + "@127.0.0.1:9184/metrics\"\n";
    Path config = Files.writeString(dir.resolve("config.yml"), bad);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(1, Main.run(new String[] {"--config", config.toString(), "--check-config"}, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err)));
    assertNoPassword(err.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("signer.metrics_url"), err.toString(StandardCharsets.UTF_8));

    Files.writeString(config, "listen_address: \"127.0.0.1:0\"\n");
    CapturedLogs capture = new CapturedLogs();
    Vertx vertx = Vertx.vertx();
    try {
      ExporterVerticle exporter = new ExporterVerticle(ConfigLoader.load(config), Clock.systemUTC(),
          Optional.of(() -> ConfigLoader.load(config)), true);
      vertx.deployVerticle(exporter).await(20, TimeUnit.SECONDS);
      Files.writeString(config, bad);
      var reload = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create("http://127.0.0.1:" + exporter.port() + "/-/reload")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(500, reload.statusCode());
      assertTrue(reload.body().contains("signer.metrics_url"), reload.body());
      assertNoPassword(reload.body());
    } finally {
      vertx.close().await(20, TimeUnit.SECONDS);
      capture.close();
    }
    assertTrue(capture.lines().stream().anyMatch(l -> l.contains("config not reloaded")), capture.lines().toString());
    capture.lines().forEach(UrlSecretsInErrorsTest::assertNoPassword);
  }

  static void assertNoPassword(String text) {
    for (String pw : PASSWORDS) {
      for (String part : pw.split("[@/ ]")) {
        assertFalse(text.contains(part), "\"" + part + "\" of a password in: " + text);
      }
    }
  }
}
