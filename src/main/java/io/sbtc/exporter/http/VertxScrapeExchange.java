package io.sbtc.exporter.http;

import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Lets the client library's {@code PrometheusScrapeHandler} (content negotiation, OpenMetrics,
 * gzip, {@code name[]} filters) answer a Vert.x request. The body is collected in memory and sent
 * in one write: expositions are small and this keeps the handler synchronous.
 */
final class VertxScrapeExchange implements PrometheusHttpExchange {
  private static final System.Logger LOG = System.getLogger(VertxScrapeExchange.class.getName());

  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
  private boolean closed;

  VertxScrapeExchange(HttpServerRequest request) {
    this.request = request;
    this.response = request.response();
  }

  @Override
  public PrometheusHttpRequest getRequest() {
    return new PrometheusHttpRequest() {
      @Override
      public String getQueryString() {
        return request.query();
      }

      @Override
      public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(request.headers().getAll(name));
      }

      @Override
      public String getMethod() {
        return request.method().name();
      }

      @Override
      public String getRequestPath() {
        return request.path();
      }
    };
  }

  @Override
  public PrometheusHttpResponse getResponse() {
    return new PrometheusHttpResponse() {
      @Override
      public void setHeader(String name, String value) {
        response.putHeader(name, value);
      }

      @Override
      public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
        response.setStatusCode(statusCode);
        return body;
      }
    };
  }

  @Override
  public void handleException(java.io.IOException e) {
    fail(e);
  }

  @Override
  public void handleException(RuntimeException e) {
    fail(e);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!response.ended()) {
      response.end(Buffer.buffer(body.toByteArray()));
    }
  }

  private void fail(Exception e) {
    LOG.log(Level.ERROR, "msg=\"scrape failed\" error={0}", e.toString());
    if (!response.ended() && !response.headWritten()) {
      response.setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8");
      response.end("An error occurred while collecting metrics; see the exporter's log.\n");
    }
    closed = true;
  }
}
