package io.sbtc.exporter;

import io.sbtc.exporter.check.Checklist;
import io.sbtc.exporter.check.Readings;
import io.sbtc.exporter.check.Scorecard;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Generation;
import io.sbtc.exporter.core.ReloadQueue;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSet;
import io.sbtc.exporter.http.ConnectionSlots;
import io.sbtc.exporter.http.HttpApi;
import io.sbtc.exporter.http.WebSecurity;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.setup.Sources;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Wires a validated config into running sources and the HTTP endpoints, and applies reloads. */
public final class ExporterVerticle extends VerticleBase {
  /** How long one step of a reload (reading the files, closing replaced sources) may take. */
  static final Duration RELOAD_STEP_LIMIT = Duration.ofSeconds(30);
  private static final System.Logger LOG = System.getLogger(ExporterVerticle.class.getName());

  private final Clock clock;
  private final Optional<Supplier<ExporterConfig>> reloader;
  private final boolean lifecycleApi;
  private final ReloadQueue reloads = new ReloadQueue(this::reloadOnce);
  /** A reload asked for while the exporter starts (a SIGHUP right after launch) runs once it has started. */
  private final Promise<Void> started = Promise.promise();
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
          sources.apply(Sources.fromConfig(config, new SourceContext(vertx, clock)));
          sources.firstRound().onComplete(x -> ready = true);
          started.complete();
        });
  }

  /**
   * Reads the config again and applies it: unchanged sources keep running with their state. A bad
   * config is refused with the reason and the running one stays in force. Safe to call from any
   * thread; reloads run one at a time (see {@link ReloadQueue}), so the result is that of a reload
   * that read the files after this call.
   */
  public Future<Void> reload() {
    if (reloader.isEmpty()) {
      return Future.failedFuture(new ConfigException("nothing to reload: the exporter was not started with --config"));
    }
    return reloads.request();
  }

  /** One reload, on this verticle's context. Every step is bounded, so the queue behind it never stalls. */
  private Future<Void> reloadOnce() {
    // Reading and validating files (the config, secret files) is blocking work: keep it off the event loop.
    // A read that ends after its deadline is dropped, never applied: a newer reload may already be running.
    return started.future()
        .compose(x -> bounded(context.executeBlocking(() -> reloader.orElseThrow().get(), false), "reading the config"))
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
    // The new sources are in force once apply returns; closing the replaced ones is waited for only so
    // long, so one upstream that will not let go cannot hold up this reload and every one after it.
    Future<Void> closed = bounded(sources.apply(Sources.fromConfig(next, new SourceContext(vertx, clock))), "closing the replaced sources")
        .recover(e -> {
          LOG.log(Level.WARNING, "msg=\"replaced sources did not close in time or cleanly; the new ones run\" error=\"{0}\"", e.getMessage());
          return Future.succeededFuture();
        });
    return closed
        .compose(x -> bounded(security.reload(server), "reloading the web config"))
        .onSuccess(x -> LOG.log(Level.INFO, "msg=\"config reloaded\" sources={0}", sources.runners().size()));
  }

  /** The checklist judged from exactly what a scrape serves now, against the config in force. */
  private Scorecard scorecard(ExporterCollector collector) {
    Generation generation = collector.generation();
    return Checklist.evaluate(new Readings(config, generation.views(), collector.collect(generation), clock.instant()));
  }

  private <T> Future<T> bounded(Future<T> step, String what) {
    return step.timeout(RELOAD_STEP_LIMIT.toMillis(), TimeUnit.MILLISECONDS).recover(e -> Future.failedFuture(
        e instanceof java.util.concurrent.TimeoutException
            ? new ConfigException(what + " took longer than " + RELOAD_STEP_LIMIT.toSeconds() + "s")
            : e));
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
