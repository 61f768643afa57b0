package io.sbtc.exporter.http;

import io.netty.buffer.Unpooled;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The client library's {@code PrometheusScrapeHandler} (content negotiation, OpenMetrics, gzip,
 * {@code name[]} filters) run into memory rather than onto a socket: encoding is work in
 * proportion to the exposition, so it runs on a worker, and only the finished answer is written on
 * the event loop.
 */
final class RecordedScrape implements PrometheusHttpExchange {
  /** A recorded answer; {@code body} may be shared by many replays and is never written to. */
  record Answer(int status, Map<String, String> headers, Buffer body) {}

  /** What the handler reads of a request; {@code headers} gives every value of a header name. */
  record Request(String method, String path, String query, Function<String, List<String>> headers) {}

  private final Request request;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
  private int status;
  private Exception failure;

  private RecordedScrape(Request request) {
    this.request = request;
  }

  /**
   * @return the answer, or the exception the handler reported (it answers errors through the
   *     exchange rather than by throwing)
   */
  static Answer run(PrometheusScrapeHandler handler, Request request) throws IOException {
    RecordedScrape exchange = new RecordedScrape(request);
    handler.handleRequest(exchange);
    if (exchange.failure instanceof IOException e) {
      throw e;
    }
    if (exchange.failure instanceof RuntimeException e) {
      throw e;
    }
    return new Answer(exchange.status, Map.copyOf(exchange.headers), offHeap(exchange.body.toByteArray()));
  }

  /**
   * The body in direct memory: the socket writes it as it is, where a heap buffer would be copied
   * into direct memory on every scrape. The JDK frees it once no answer refers to it any more.
   */
  private static Buffer offHeap(byte[] bytes) {
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    return BufferInternal.buffer(Unpooled.wrappedBuffer(direct));
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
        return Collections.enumeration(request.headers().apply(name));
      }

      @Override
      public String getMethod() {
        return request.method();
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
        headers.put(name, value);
      }

      @Override
      public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
        status = statusCode;
        return body;
      }
    };
  }

  @Override
  public void handleException(IOException e) {
    failure = e;
  }

  @Override
  public void handleException(RuntimeException e) {
    failure = e;
  }

  @Override
  public void close() {}
}
