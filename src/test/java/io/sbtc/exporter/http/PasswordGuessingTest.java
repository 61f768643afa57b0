package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.sbtc.exporter.ExporterVerticle;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.vertx.core.Vertx;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone without credentials guesses passwords: each guess costs a bcrypt check, which must
 * neither tell which user names exist nor take the host's cores from the signer, and Prometheus,
 * whose credentials were checked once, keeps scraping.
 */
class PasswordGuessingTest {
  /** Cost 12: about four times the default cost 10, so a check against a cost-10 dummy stands out. */
  static final int COST = 12;

  @TempDir
  Path dir;
  Vertx vertx;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void anUnknownUserTakesAsLongAsAKnownOneWithAWrongPassword() throws Exception {
    String url = start(COST);
    HttpClient client = HttpClient.newHttpClient();
    long[] known = new long[5];
    long[] unknown = new long[5];
    for (int i = 0; i < known.length; i++) {
      known[i] = timed(client, url, "prometheus");
      unknown[i] = timed(client, url, "mallory");
    }
    double ratio = (double) median(unknown) / median(known);
    assertTrue(ratio > 0.5 && ratio < 2, "unknown user " + median(unknown) / 1_000_000 + " ms, known user "
        + median(known) / 1_000_000 + " ms");
  }

  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void aFloodOfGuessesIsBoundedAndPrometheusKeepsScraping() throws Exception {
    String url = start(10); // the default cost: the queue drains in about a second, even on a loaded machine
    HttpClient client = HttpClient.newHttpClient();
    assertEquals(200, WebSecurityTest.get(client, url, "prometheus", "right-password").statusCode());
    ExecutorService guessers = Executors.newFixedThreadPool(40);
    try {
      List<Future<Integer>> guesses = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        guesses.add(guessers.submit(() -> WebSecurityTest.get(client, url, "user" + n, "guess").statusCode()));
      }
      long before = System.nanoTime();
      assertEquals(200, WebSecurityTest.get(client, url, "prometheus", "right-password").statusCode());
      long scrapeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> g : guesses) {
        statuses.add(g.get(90, TimeUnit.SECONDS));
      }
      assertTrue(statuses.stream().allMatch(s -> s == 401 || s == 503), statuses.toString());
      assertTrue(statuses.contains(503), "40 checks at once were all queued: " + statuses);
      assertTrue(scrapeMs < 2_000, "Prometheus waited " + scrapeMs + " ms behind the guesses");
    } finally {
      guessers.shutdownNow();
    }
  }

  String start(int cost) throws Exception {
    String hash = BCrypt.withDefaults().hashToString(cost, "right-password".toCharArray());
    Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  prometheus: " + hash + "\n");
    ExporterConfig config = ConfigLoader.parse("test.yml", "listen_address: \"127.0.0.1:0\"\nweb_config_file: \"" + web + "\"\n",
        Map.<String, String>of()::get);
    vertx = Vertx.vertx();
    ExporterVerticle exporter = new ExporterVerticle(config, Clock.systemUTC());
    vertx.deployVerticle(exporter).await(20, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + exporter.port() + "/metrics";
  }

  static long timed(HttpClient client, String url, String user) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> r = WebSecurityTest.get(client, url, user, "wrong-password");
    assertEquals(401, r.statusCode());
    return System.nanoTime() - start;
  }

  static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
