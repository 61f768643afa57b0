package io.sbtc.exporter.demo;

import io.sbtc.exporter.config.ConfigLoader;
import io.sbtc.exporter.config.ExporterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Sample upstreams on a loopback port for {@code --demo}: a signer metrics endpoint and {@code /info}
 * whose chain tips advance over time, so a new user sees real-looking, moving metrics at once.
 */
public final class DemoUpstreams {
  private static final long GENESIS = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond();

  private DemoUpstreams() {}

  /** Starts the sample upstreams and returns a config that points the exporter at them. */
  public static Future<ExporterConfig> start(Vertx vertx) {
    String metrics = resource("signer-metrics.prom");
    String info = resource("signer-info.json");
    Router router = Router.router(vertx);
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(metrics));
    router.get("/info").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(withTips(info)));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(server -> {
      String base = "http://127.0.0.1:" + server.actualPort();
      String yaml = """
          listen_address: "127.0.0.1:10184"
          signer:
            metrics_url: "%1$s/metrics"
            info_url: "%1$s/info"
            interval: 5s
            timeout: 2s
          """.formatted(base);
      return ConfigLoader.parse("(demo)", yaml, System::getenv);
    });
  }

  /** One Bitcoin block every 10 minutes and a Stacks block every 5 seconds, as on mainnet today. */
  private static String withTips(String template) {
    long elapsed = Instant.now().getEpochSecond() - GENESIS;
    long btc = 924_000 + elapsed / 600;
    long stx = 5_900_000 + elapsed / 5;
    return template.replace("{{BTC}}", Long.toString(btc))
        .replace("{{STX_SIGNER}}", Long.toString(stx - (elapsed % 600) / 5))
        .replace("{{STX}}", Long.toString(stx));
  }

  static String resource(String name) {
    try (InputStream in = DemoUpstreams.class.getResourceAsStream("/demo/" + name)) {
      if (in == null) {
        throw new IllegalStateException("demo resource missing: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
