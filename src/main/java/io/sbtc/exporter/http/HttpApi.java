package io.sbtc.exporter.http;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.sbtc.exporter.check.Scorecard;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.SourceView;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import io.vertx.core.Future;

/** The exporter's HTTP endpoints: {@code /metrics}, {@code /}, {@code /-/healthy}, {@code /-/ready}. */
public final class HttpApi {
  private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
  private final ExporterCollector collector;
  private final WebSecurity security;
  private final Optional<Supplier<Future<Void>>> reload;
  private final ReloadGate reloads = new ReloadGate();
  private final PrometheusScrapeHandler scrapeHandler;
  private final ScrapeCache cache;
  private final BooleanSupplier ready;
  private final String version;
  private final Clock clock;
  private final Supplier<Scorecard> scorecard;

  /**
   * @param reload what POST /-/reload runs; empty when the lifecycle API is off
   * @param scorecard the checklist judged from what a scrape serves now, for the landing page
   */
  public HttpApi(ExporterCollector collector, WebSecurity security, BooleanSupplier ready, Optional<Supplier<Future<Void>>> reload,
      String version, Clock clock, Supplier<Scorecard> scorecard) {
    this.collector = collector;
    this.security = security;
    this.reload = reload;
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(collector);
    PrometheusProperties properties = PrometheusProperties.builder().build();
    this.scrapeHandler = new PrometheusScrapeHandler(properties, registry);
    this.cache = new ScrapeCache(collector, properties);
    this.ready = ready;
    this.version = version;
    this.clock = clock;
    this.scorecard = scorecard;
  }

  /**
   * The server's request handler: requests no scraper sends (scanners, proxies' probes) get a plain
   * answer before the router, which would log each of them as an error; anyone who can connect
   * could otherwise fill the log, without credentials.
   */
  public Handler<HttpServerRequest> handler(Vertx vertx, ConnectionSlots slots) {
    Router router = router(vertx, slots);
    return request -> {
      int odd = oddRequest(request);
      if (odd == 0) {
        router.handle(request);
        return;
      }
      HttpServerResponse response = request.response().setStatusCode(odd);
      if (odd == 200 || odd == 405) {
        response.putHeader("Allow", "GET, HEAD, POST");
      }
      response.putHeader("Content-Type", "text/plain; charset=utf-8").end(odd == 200 ? "" : odd == 405 ? "Method Not Allowed\n"
          : "Bad Request\n");
    };
  }

  /** The status for a request the router must not see, or 0. */
  static int oddRequest(HttpServerRequest request) {
    if (request.method() == HttpMethod.CONNECT) {
      return 405;
    }
    String uri = request.uri();
    if (uri.equals("*")) {
      return request.method() == HttpMethod.OPTIONS ? 200 : 400; // OPTIONS * asks about the server, as Go answers it
    }
    return validEscapes(uri) ? 0 : 400;
  }

  /** Whether every {@code %} starts a two-digit hex escape; the router throws on any other. */
  static boolean validEscapes(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  Router router(Vertx vertx, ConnectionSlots slots) {
    Router router = Router.router(vertx);
    router.route().handler(slots::requestStarted);
    router.route().handler(security::authenticate);
    router.route("/metrics").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::metrics);
    router.route("/metrics").handler(ctx -> ctx.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end());
    router.get("/-/healthy").handler(ctx -> plain(ctx, 200, "Healthy\n"));
    router.get("/-/ready").handler(this::readiness);
    router.post("/-/reload").handler(this::reload);
    router.get("/").handler(this::landing);
    return router;
  }

  /**
   * The common scrape is a plain GET whose answer is already encoded: written at once. Anything
   * else (a new generation, name[] filters, HEAD) is encoded on a worker, one at a time, so the
   * event loop keeps answering /-/healthy while a large exposition is encoded, and concurrent
   * scrapes of a new generation encode it once.
   */
  private void metrics(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String accept = request.getHeader("Accept");
    List<String> encodings = request.headers().getAll("Accept-Encoding");
    boolean plainGet = request.method() == HttpMethod.GET && request.query() == null;
    if (plainGet) {
      Optional<RecordedScrape.Answer> hit = cache.cached(accept, encodings);
      if (hit.isPresent()) {
        send(ctx, hit.get());
        return;
      }
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    RecordedScrape.Request copy = new RecordedScrape.Request(request.method().name(), request.path(), request.query(), headers::getAll);
    ctx.vertx().executeBlocking(() -> {
      Optional<RecordedScrape.Answer> cached = plainGet ? cache.answer(accept, encodings) : Optional.empty();
      return cached.isPresent() ? cached.get() : RecordedScrape.run(scrapeHandler, copy);
    }, true).onComplete(ar -> {
      if (ar.succeeded()) {
        send(ctx, ar.result());
      } else {
        LOG.log(Level.ERROR, "msg=\"scrape failed\" error={0}", ar.cause().toString());
        if (!ctx.response().ended() && !ctx.response().closed()) {
          plain(ctx, 500, "An error occurred while collecting metrics; see the exporter's log.\n");
        }
      }
    });
  }

  private static void send(RoutingContext ctx, RecordedScrape.Answer answer) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return; // the client went away while the answer was encoded
    }
    response.setStatusCode(answer.status());
    answer.headers().forEach(response::putHeader);
    response.end(answer.body());
  }

  private void reload(RoutingContext ctx) {
    if (reload.isEmpty()) {
      plain(ctx, 403, "Lifecycle API is not enabled; start with --web.enable-lifecycle, or send SIGHUP\n");
      return;
    }
    if (!reloads.tryStart(System.nanoTime())) {
      ctx.response().putHeader("Retry-After", Long.toString(ReloadGate.MIN_INTERVAL.toSeconds()));
      plain(ctx, 429, "Too many reloads; one at a time, at most one a second\n");
      return;
    }
    reload.get().get().onComplete(ar -> {
      reloads.finished();
      if (ar.succeeded()) {
        plain(ctx, 200, "Reloaded\n");
      } else {
        plain(ctx, 500, "Not reloaded: " + ar.cause().getMessage() + "\n");
      }
    });
  }

  private void readiness(RoutingContext ctx) {
    if (ready.getAsBoolean()) {
      plain(ctx, 200, "Ready\n");
    } else {
      List<String> pending = collector.views().stream().filter(v -> !v.state().polledOnce()).map(SourceView::name).toList();
      plain(ctx, 503, "Not ready: waiting for the first poll of " + String.join(", ", pending) + "\n");
    }
  }

  /** The checklist collects the families as a scrape does: on a worker too, the event loop only writes the page. */
  private void landing(RoutingContext ctx) {
    ctx.vertx().executeBlocking(() -> LandingPage.render(version, scorecard.get(), collector.views(), clock.instant()), false)
        .onComplete(ar -> {
          if (ctx.response().ended() || ctx.response().closed()) {
            return;
          }
          if (ar.succeeded()) {
            ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(ar.result());
          } else {
            LOG.log(Level.ERROR, "msg=\"landing page failed\" error={0}", ar.cause().toString());
            plain(ctx, 500, "An error occurred while rendering this page; see the exporter's log.\n");
          }
        });
  }

  private static void plain(RoutingContext ctx, int status, String text) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
  }
}
