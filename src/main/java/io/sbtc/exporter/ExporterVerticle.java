package io.sbtc.exporter;

import io.sbtc.exporter.check.Checklist;
import io.sbtc.exporter.check.Readings;
import io.sbtc.exporter.check.Scorecard;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.ExporterConfig;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Generation;
import io.sbtc.exporter.core.SourceSet;
import io.sbtc.exporter.http.ConnectionSlots;
import io.sbtc.exporter.http.HttpApi;
import io.sbtc.exporter.http.WebSecurity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Wires a validated config into running sources and the HTTP endpoints, and applies reloads. */
public final class ExporterVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ExporterVerticle.class.getName());

  private final Clock clock;
  private final Optional<Supplier<ExporterConfig>> reloader;
  private final boolean lifecycleApi;
  private volatile ExporterConfig config;
  private volatile List<DerivedMetrics> derived = List.of();
  private volatile boolean ready;
  private SourceSet sources;
  private WebSecurity security;
  private HttpServer server;

  public ExporterVerticle(ExporterConfig config, Clock clock) {
    this(config, clock, Optional.empty());
  }

  /** @param reloader reads the config again (file plus command-line overrides); absent when there is no file */
  public ExporterVerticle(ExporterConfig config, Clock clock, Optional<Supplier<ExporterConfig>> reloader) {
    this(config, clock, reloader, false);
  }

  /** @param lifecycleApi whether POST /-/reload is served (--web.enable-lifecycle) */
  public ExporterVerticle(ExporterConfig config, Clock clock, Optional<Supplier<ExporterConfig>> reloader, boolean lifecycleApi) {
    this.config = config;
    this.clock = clock;
    this.reloader = reloader;
    this.lifecycleApi = lifecycleApi;
  }

  @Override
  public Future<?> start() {
    sources = new SourceSet(vertx, clock);
    String version = BuildInfo.version();
    ExporterCollector collector = new ExporterCollector(version, sources::runners, () -> derived, clock);
    security = new WebSecurity(vertx, config.webConfigFile());
    HttpApi api = new HttpApi(collector, security, () -> ready, lifecycleApi ? Optional.of(this::reload) : Optional.empty(), version, clock,
        () -> scorecard(collector));
    HttpServerOptions options = security.configure(new HttpServerOptions())
        .setHost(config.listenAddress().host())
        .setPort(config.listenAddress().port())
        .setMaxHeaderSize(8 * 1024)
        .setMaxInitialLineLength(4096)
        .setIdleTimeout((int) ConnectionSlots.KEEP_ALIVE.toSeconds())
        .setCompressionSupported(false) // the scrape handler gzips itself when asked
        // HTTP/1.1 only, as Prometheus scrapes: an h2c upgrade (which Java's HttpClient attempts by
        // default) stalled bodies over 64 KiB until the idle timeout.
        .setHttp2ClearTextEnabled(false);
    ConnectionSlots slots = new ConnectionSlots(vertx);
    return vertx.createHttpServer(options)
        .connectionHandler(slots::accept)
        .requestHandler(api.handler(vertx, slots))
        .listen()
        .recover(e -> Future.failedFuture(security.tls()
            ? new ConfigException(config.webConfigFile().orElseThrow() + ": tls_server_config: cannot serve with this certificate and key ("
                + e.getMessage() + ")")
            : e))
        .onSuccess(s -> {
          server = s;
          security.watch(s);
          derived = Sources.derived(config);
          sources.apply(Sources.fromConfig(vertx, config, clock));
          sources.firstRound().onComplete(x -> ready = true);
        });
  }

  /**
   * Reads the config again and applies it: unchanged sources keep running with their state. A bad
   * config is refused with the reason and the running one stays in force.
   */
  public Future<Void> reload() {
    if (reloader.isEmpty()) {
      return Future.failedFuture(new ConfigException("nothing to reload: the exporter was not started with --config"));
    }
    // Reading and validating files (the config, secret files) is blocking work: keep it off the event loop.
    return vertx.executeBlocking(() -> reloader.get().get(), false)
        .onFailure(e -> LOG.log(Level.ERROR, "msg=\"config not reloaded; the running config stays in force\" error=\"{0}\"",
            e.getMessage()))
        .compose(this::apply);
  }

  private Future<Void> apply(ExporterConfig next) {
    if (!next.listenAddress().equals(config.listenAddress()) || !next.webConfigFile().equals(config.webConfigFile())) {
      LOG.log(Level.WARNING, "msg=\"listen_address and web_config_file changes take effect at the next restart\"");
    }
    config = next;
    derived = Sources.derived(next);
    return sources.apply(Sources.fromConfig(vertx, next, clock))
        .compose(x -> security.reload(server))
        .onSuccess(x -> LOG.log(Level.INFO, "msg=\"config reloaded\" sources={0}", sources.runners().size()));
  }

  /** The checklist judged from exactly what a scrape serves now, against the config in force. */
  private Scorecard scorecard(ExporterCollector collector) {
    Generation generation = collector.generation();
    return Checklist.evaluate(new Readings(config, generation.views(), collector.collect(generation), clock.instant()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> stopped = sources.stopAll();
    return server == null ? stopped : Future.join(stopped, server.close());
  }

  /** The port actually bound (differs from the config when it asked for port 0). */
  public int port() {
    return server.actualPort();
  }

  public boolean isReady() {
    return ready;
  }
}
