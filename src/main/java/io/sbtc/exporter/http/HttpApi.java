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
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import io.vertx.core.Future;

/** The exporter's HTTP endpoints: {@code /metrics}, {@code /}, {@code /-/healthy}, {@code /-/ready}. */
public final class HttpApi {
  private final ExporterCollector collector;
  private final WebSecurity security;
  private final Supplier<Future<Void>> reload;
  private final PrometheusScrapeHandler scrapeHandler;
  private final ScrapeCache cache;
  private final BooleanSupplier ready;
  private final String version;
  private final Clock clock;
  private final Supplier<Scorecard> scorecard;

  /** @param scorecard the checklist judged from what a scrape serves now, for the landing page */
  public HttpApi(ExporterCollector collector, WebSecurity security, BooleanSupplier ready, Supplier<Future<Void>> reload,
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

  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(security::authenticate);
    router.route("/metrics").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(this::metrics);
    router.route("/metrics").handler(ctx -> ctx.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end());
    router.get("/-/healthy").handler(ctx -> plain(ctx, 200, "Healthy\n"));
    router.get("/-/ready").handler(this::readiness);
    router.post("/-/reload").handler(ctx -> reload.get().onComplete(ar -> {
      if (ar.succeeded()) {
        plain(ctx, 200, "Reloaded\n");
      } else {
        plain(ctx, 500, "Not reloaded: " + ar.cause().getMessage() + "\n");
      }
    }));
    router.get("/").handler(this::landing);
    return router;
  }

  private void metrics(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    // The common scrape is a plain GET: served from the cache. name[] filters, ?debug= and HEAD are rare: encoded each time.
    if (request.method() == HttpMethod.GET && request.query() == null) {
      Optional<ScrapeCache.Answer> answer;
      try {
        answer = cache.answer(request.getHeader("Accept"), request.headers().getAll("Accept-Encoding"));
      } catch (RuntimeException e) {
        answer = Optional.empty(); // the uncached path below logs it and answers 500
      }
      if (answer.isPresent()) {
        HttpServerResponse response = ctx.response().setStatusCode(answer.get().status());
        answer.get().headers().forEach(response::putHeader);
        response.end(answer.get().body());
        return;
      }
    }
    try (VertxScrapeExchange exchange = new VertxScrapeExchange(ctx.request())) {
      scrapeHandler.handleRequest(exchange);
    } catch (IOException | RuntimeException e) {
      if (!ctx.response().ended()) {
        plain(ctx, 500, "An error occurred while collecting metrics; see the exporter's log.\n");
      }
    }
  }

  private void readiness(RoutingContext ctx) {
    if (ready.getAsBoolean()) {
      plain(ctx, 200, "Ready\n");
    } else {
      List<String> pending = collector.views().stream().filter(v -> !v.state().polledOnce()).map(SourceView::name).toList();
      plain(ctx, 503, "Not ready: waiting for the first poll of " + String.join(", ", pending) + "\n");
    }
  }

  private void landing(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .end(LandingPage.render(version, scorecard.get(), collector.views(), clock.instant()));
  }

  private static void plain(RoutingContext ctx, int status, String text) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
  }
}
