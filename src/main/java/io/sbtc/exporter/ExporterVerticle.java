package io.sbtc.exporter;

import io.sbtc.exporter.config.ExporterConfig;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceRunner;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.http.HttpApi;
import io.sbtc.exporter.http.WebSecurity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Wires one validated config into running sources and the HTTP endpoints. */
public final class ExporterVerticle extends VerticleBase {
  static final int MAX_CONNECTIONS = 64;

  private final ExporterConfig config;
  private final Clock clock;
  private final List<SourceRunner> runners = new ArrayList<>();
  private volatile boolean ready;
  private HttpServer server;

  public ExporterVerticle(ExporterConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    for (Source source : Sources.fromConfig(vertx, config)) {
      runners.add(new SourceRunner(vertx, source, clock));
    }
    String version = BuildInfo.version();
    ExporterCollector collector = new ExporterCollector(version, runners, Sources.derived(config), clock);
    WebSecurity security = new WebSecurity(vertx, config.webConfigFile());
    HttpApi api = new HttpApi(collector, security, () -> ready, version, clock);
    HttpServerOptions options = security.configure(new HttpServerOptions())
        .setHost(config.listenAddress().host())
        .setPort(config.listenAddress().port())
        .setMaxHeaderSize(8 * 1024)
        .setMaxInitialLineLength(4096)
        .setIdleTimeout(60)
        .setCompressionSupported(false); // the scrape handler gzips itself when asked
    AtomicInteger connections = new AtomicInteger();
    return vertx.createHttpServer(options)
        .connectionHandler(conn -> {
          // Prometheus needs one connection; a flood of them must not starve the process next to the signer.
          if (connections.incrementAndGet() > MAX_CONNECTIONS) {
            conn.close();
          }
          conn.closeHandler(v -> connections.decrementAndGet());
        })
        .requestHandler(api.router(vertx))
        .listen()
        .recover(e -> Future.failedFuture(security.tls()
            ? new ConfigException(config.webConfigFile().orElseThrow() + ": tls_server_config: cannot serve with this certificate and key ("
                + e.getMessage() + ")")
            : e))
        .onSuccess(s -> {
          server = s;
          security.watch(s);
          runners.forEach(SourceRunner::start);
          Future.join(runners.stream().map(SourceRunner::firstPollDone).toList()).onComplete(x -> ready = true);
        });
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> closing = new ArrayList<>();
    runners.forEach(r -> closing.add(r.stop()));
    if (server != null) {
      closing.add(server.close());
    }
    return Future.join(closing);
  }

  /** The port actually bound (differs from the config when it asked for port 0). */
  public int port() {
    return server.actualPort();
  }

  public boolean isReady() {
    return ready;
  }
}
