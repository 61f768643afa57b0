package io.sbtc.exporter;

import io.sbtc.exporter.config.ExporterConfig;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceRunner;
import io.sbtc.exporter.http.HttpApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Wires one validated config into running sources and the HTTP endpoints. */
public final class ExporterVerticle extends VerticleBase {
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
    HttpApi api = new HttpApi(collector, () -> ready, version, clock);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.listenAddress().host())
        .setPort(config.listenAddress().port())
        .setMaxHeaderSize(8 * 1024)
        .setMaxInitialLineLength(4096)
        .setIdleTimeout(60)
        .setCompressionSupported(false); // the scrape handler gzips itself when asked
    return vertx.createHttpServer(options)
        .requestHandler(api.router(vertx))
        .listen()
        .onSuccess(s -> {
          server = s;
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
