package io.sbtc.exporter.demo;

import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Sample upstreams on a loopback port for {@code --demo}: a signer metrics endpoint and {@code /info},
 * a Bitcoin Core RPC endpoint and a Stacks node, whose chain tips advance over time, so a new user
 * sees real-looking, moving metrics at once.
 */
public final class DemoUpstreams {
  static final long GENESIS = Instant.parse("2026-11-01T00:00:00Z").getEpochSecond();
  static final long BITCOIN_START = 924_000;

  private DemoUpstreams() {}

  /** Set here rather than as a ${VAR:-default}: a default is a secret written in the config, which the loader refuses. */
  private static final String DEMO_PASSWORD_VAR = "SBTC_DEMO_BITCOIN_RPC_PASSWORD";

  /** Starts the sample upstreams and returns a config that points the exporter at them. */
  public static Future<ExporterConfig> start(Vertx vertx) {
    String metrics = resource("signer-metrics.prom");
    String info = resource("signer-info.json");
    Router router = Router.router(vertx);
    router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4").end(metrics));
    router.get("/info").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(withTips(info)));
    new DemoNodes().mount(router);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(server -> {
      String base = "http://127.0.0.1:" + server.actualPort();
      // Timeouts well above what the in-process upstreams need: a cold JVM's first poll on a busy
      // machine can take seconds, and `check --demo` judges that first poll.
      String yaml = """
          listen_address: "127.0.0.1:10184"
          signer:
            metrics_url: "%1$s/metrics"
            info_url: "%1$s/info"
            interval: 5s
            timeout: 4s
          bitcoin:
            rpc_url: "%1$s"
            rpc_user: "demo"
            # The demo node accepts any password; a real one comes from a file or the environment.
            rpc_password: "${%2$s}"
            interval: 5s
            timeout: 4s
          stacks:
            rpc_url: "%1$s"
            interval: 5s
            timeout: 4s
          versions:
            minimum:
              bitcoind: "25.0"
              stacks_node: "3.1.0.0.5"
          """.formatted(base, DEMO_PASSWORD_VAR);
      return ConfigLoader.parse("(demo)", yaml, name -> name.equals(DEMO_PASSWORD_VAR) ? "demo" : System.getenv(name));
    });
  }

  /** One Bitcoin block every 10 minutes and a Stacks block every 5 seconds, as on mainnet today. */
  private static String withTips(String template) {
    long elapsed = Instant.now().getEpochSecond() - GENESIS;
    long btc = bitcoinHeight(elapsed);
    long stx = stacksHeight(elapsed);
    return template.replace("{{BTC}}", Long.toString(btc))
        .replace("{{STX_SIGNER}}", Long.toString(stx - (elapsed % 600) / 5))
        .replace("{{STX}}", Long.toString(stx));
  }

  static long bitcoinHeight(long elapsedSeconds) {
    return BITCOIN_START + elapsedSeconds / 600;
  }

  static long stacksHeight(long elapsedSeconds) {
    return 5_900_000 + elapsedSeconds / 5;
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
