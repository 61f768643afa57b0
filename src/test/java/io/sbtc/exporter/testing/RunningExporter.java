package io.sbtc.exporter.testing;

import io.sbtc.exporter.ExporterVerticle;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The real exporter on a free loopback port, started from a YAML config, scraped over HTTP like Prometheus does. */
public final class RunningExporter implements AutoCloseable {
  /** An environment variable every config started here can use for a password the upstream does not check. */
  public static final String TEST_PASSWORD_VAR = "SBTC_TEST_PASSWORD";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Vertx vertx;
  private final ExporterVerticle verticle;

  private RunningExporter(Vertx vertx, ExporterVerticle verticle) {
    this.vertx = vertx;
    this.verticle = verticle;
  }

  /** {@code yaml} must not set listen_address; the exporter listens on a free port. */
  public static RunningExporter start(String yaml) {
    return start(yaml, Clock.systemUTC());
  }

  public static RunningExporter start(String yaml, Clock clock) {
    ExporterConfig config = ConfigLoader.parse("test.yml", "listen_address: \"127.0.0.1:0\"\n" + yaml,
        name -> name.equals(TEST_PASSWORD_VAR) ? "test-password" : System.getenv(name));
    Vertx vertx = Vertx.vertx();
    ExporterVerticle verticle = new ExporterVerticle(config, clock);
    try {
      vertx.deployVerticle(verticle).await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("exporter did not start", e);
    }
    return new RunningExporter(vertx, verticle);
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + verticle.port() + path);
  }

  public HttpResponse<String> get(String path, String... headers) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
      if (headers.length > 0) {
        b.headers(headers);
      }
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Scrape scrape() {
    HttpResponse<String> r = get("/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode());
    }
    return Scrape.of(r.body());
  }

  /** Waits until the first poll round is done. */
  public RunningExporter awaitReady() {
    Await.until("the first poll of every source (/-/ready)", Duration.ofSeconds(20), verticle::isReady);
    return this;
  }

  /** Scrapes until {@code condition} holds, failing with the last scrape after {@code timeout}. */
  public RunningExporter awaitScrape(Predicate<Scrape> condition, Duration timeout) {
    return awaitScrape(Await.caller(), condition, timeout);
  }

  /** As {@link #awaitScrape(Predicate, Duration)}; {@code what} says in words what the scrape must show. */
  public RunningExporter awaitScrape(String what, Predicate<Scrape> condition, Duration timeout) {
    Await.until(what, timeout, this::scrape, condition, () -> "");
    return this;
  }

  public boolean isReady() {
    return verticle.isReady();
  }

  @Override
  public void close() {
    try {
      vertx.close().await(20, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the test is over; a slow shutdown must not fail it
    }
  }
}
