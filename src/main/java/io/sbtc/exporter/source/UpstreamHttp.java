package io.sbtc.exporter.source;

import io.netty.buffer.ByteBuf;
import io.sbtc.exporter.common.Redact;
import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.PemTrustOptions;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * The HTTP client every HTTP source uses. Each source gets its own, so a hanging upstream cannot
 * hold another source's connections. It enforces what the sources promise: a deadline for the
 * whole exchange (a server that drips one byte a second still times out), a body cap that stops
 * reading instead of buffering, no redirects, and error messages without credentials.
 */
public final class UpstreamHttp {
  /** A complete response; the caller decides what its status means. */
  public record Response(int status, MultiMap headers, Buffer body) {

    /**
     * The body as strict UTF-8: invalid bytes are a parse error, not silently replaced. Memory
     * matters here (a body may be 16 MiB and the heap is 96 MiB): the bytes are checked through a
     * small window and then turned into a String without copies in between, which for the ASCII
     * of an exposition costs one byte per character.
     */
    public String text(String where) {
      ByteBuf bytes = ((BufferInternal) body).getByteBuf();
      CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      ByteBuffer in = bytes.nioBuffer();
      CharBuffer window = CharBuffer.allocate(8192);
      while (true) {
        CoderResult r = strict.decode(in, window, true);
        if (r.isError()) {
          throw new SourceException(ErrorReason.PARSE, "response from " + where + " is not valid UTF-8");
        }
        window.clear();
        if (r.isUnderflow()) {
          break;
        }
      }
      if (bytes.hasArray()) {
        return new String(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes(), StandardCharsets.UTF_8);
      }
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final long maxBodyBytes;

  /**
   * A client that, for https URLs, trusts the JVM's CAs, or only the CAs in {@code caFile} when
   * one is given (a signer or node with a private CA); host names are always verified.
   *
   * @param maxBodyBytes the largest response body this client reads: what its upstream can honestly send
   */
  public UpstreamHttp(Vertx vertx, Optional<Path> caFile, long maxBodyBytes) {
    this(vertx, withTrust(caFile), maxBodyBytes);
  }

  private static HttpClientOptions withTrust(Optional<Path> caFile) {
    HttpClientOptions o = new HttpClientOptions().setVerifyHost(true);
    caFile.ifPresent(ca -> o.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    return o;
  }

  public UpstreamHttp(Vertx vertx, HttpClientOptions options, long maxBodyBytes) {
    this.vertx = vertx;
    this.maxBodyBytes = maxBodyBytes;
    this.client = vertx.createHttpClient(new HttpClientOptions(options)
        .setMaxRedirects(0)
        .setDecompressionSupported(false)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(2));
  }

  /** GET that requires a 2xx answer, complete by {@code deadline}. */
  public Future<Response> get(URI uri, MultiMap headers, Deadline deadline) {
    return send(HttpMethod.GET, uri, headers, null, deadline).map(r -> requireOk(r, uri));
  }

  /** One exchange, from connecting to the body's last byte, complete by {@code deadline} (or failed with TIMEOUT). */
  public Future<Response> send(HttpMethod method, URI uri, MultiMap headers, Buffer body, Deadline deadline) {
    String where = Redact.url(uri.toString());
    Promise<Response> promise = Promise.promise();
    AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
    long millis = Math.max(1, deadline.remaining().toMillis());
    long timer = vertx.setTimer(millis, id -> {
      if (promise.tryFail(new SourceException(ErrorReason.TIMEOUT, "no complete answer from " + where + " within " + millis + "ms"))) {
        HttpClientRequest r = inFlight.get();
        if (r != null) {
          r.reset();
        }
      }
    });
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setAbsoluteURI(withoutUserInfo(uri))
        .setFollowRedirects(false)
        .setConnectTimeout(millis);
    MultiMap all = MultiMap.caseInsensitiveMultiMap();
    if (uri.getRawUserInfo() != null) {
      all.set("Authorization", "Basic " + Base64.getEncoder().encodeToString(
          java.net.URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8)));
    }
    if (headers != null) {
      all.addAll(headers);
    }
    client.request(options)
        .compose(req -> {
          inFlight.set(req);
          req.headers().addAll(all);
          return body == null ? req.send() : req.send(body);
        })
        .onSuccess(resp -> readCapped(resp, maxBodyBytes, where, promise))
        .onFailure(t -> promise.tryFail(classify(t, where)));
    return promise.future().onComplete(x -> vertx.cancelTimer(timer));
  }

  public Future<Void> close() {
    return client.close();
  }

  private static void readCapped(HttpClientResponse resp, long maxBytes, String where, Promise<Response> promise) {
    String declared = resp.getHeader("Content-Length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > maxBytes) {
          promise.tryFail(tooLarge(where, maxBytes));
          resp.request().reset();
          return;
        }
      } catch (NumberFormatException ignored) {
        // a broken header: the running count below still applies
      }
    }
    // Sized from Content-Length when there is one: growing by doubling would briefly hold the body twice.
    Buffer body = declaredLength(declared).map(n -> Buffer.buffer(n.intValue())).orElseGet(Buffer::buffer);
    resp.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if ((long) body.length() + chunk.length() > maxBytes) {
        promise.tryFail(tooLarge(where, maxBytes));
        resp.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    resp.exceptionHandler(t -> promise.tryFail(classify(t, where)));
    resp.endHandler(v -> promise.tryComplete(new Response(resp.statusCode(), resp.headers(), body)));
  }

  private static Optional<Long> declaredLength(String header) {
    try {
      return header == null ? Optional.empty() : Optional.of(Long.parseLong(header.trim())).filter(n -> n >= 0 && n <= 64L << 20);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** 2xx passes; 401/403 are {@code auth}; a redirect is not followed; anything else is {@code http_status}. */
  public static Response requireOk(Response r, URI uri) {
    int s = r.status();
    if (s >= 200 && s < 300) {
      return r;
    }
    String where = Redact.url(uri.toString());
    if (s == 401 || s == 403) {
      throw new SourceException(ErrorReason.AUTH, "HTTP " + s + " from " + where + ": check the credentials");
    }
    if (s >= 300 && s < 400) {
      String location = r.headers().get("Location");
      throw new SourceException(ErrorReason.HTTP_STATUS, "HTTP " + s + " from " + where + ": redirect"
          + (location == null ? "" : " to " + Redact.url(location)) + " not followed");
    }
    throw new SourceException(ErrorReason.HTTP_STATUS, "HTTP " + s + " from " + where);
  }

  static SourceException classify(Throwable t, String where) {
    if (t instanceof SourceException se) {
      return se;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SSLException) {
        return new SourceException(ErrorReason.TLS, "TLS handshake with " + where + " failed: " + c.getClass().getSimpleName());
      }
      if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
        return new SourceException(ErrorReason.TIMEOUT, "timed out talking to " + where);
      }
      if (c instanceof ConnectException || c instanceof UnknownHostException || c instanceof NoRouteToHostException) {
        return new SourceException(ErrorReason.CONNECT, "cannot connect to " + where + " (" + c.getClass().getSimpleName() + ")");
      }
      if (c instanceof io.vertx.core.http.HttpClosedException || c instanceof java.io.IOException) {
        return new SourceException(ErrorReason.CONNECT, "connection to " + where + " closed before the answer was complete");
      }
    }
    return new SourceException(ErrorReason.OTHER, "request to " + where + " failed (" + t.getClass().getSimpleName() + ")");
  }

  private static SourceException tooLarge(String where, long maxBytes) {
    return new SourceException(ErrorReason.TOO_LARGE, "response from " + where + " is larger than " + maxBytes + " bytes");
  }

  private static String withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    return uri.toString().replaceFirst("://[^@/]*@", "://");
  }
}
