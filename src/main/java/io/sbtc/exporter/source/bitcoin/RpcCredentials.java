package io.sbtc.exporter.source.bitcoin;

import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;

/**
 * The {@code Authorization} header for Bitcoin Core: from {@code rpc_user} and its password, or
 * from the cookie file. bitcoind writes a new cookie at every start, so the cookie is read when
 * first needed and again after the node refuses it; the value lives only in this object.
 */
final class RpcCredentials {
  private final Vertx vertx;
  private final Optional<Path> cookieFile;
  private final String fixedHeader;
  private volatile String cookieHeader;

  RpcCredentials(Vertx vertx, BitcoinConfig config) {
    this.vertx = vertx;
    this.cookieFile = config.cookieFile();
    this.fixedHeader = config.rpcUser()
        .map(user -> basic(user, config.rpcPassword().orElseThrow().reveal()))
        .orElse(null);
  }

  /** The header to send now. */
  Future<String> header() {
    if (fixedHeader != null) {
      return Future.succeededFuture(fixedHeader);
    }
    String cached = cookieHeader;
    return cached != null ? Future.succeededFuture(cached) : readCookie();
  }

  /**
   * After a 401: a header worth one retry, which is the cookie read again if it differs from the
   * one refused. A fixed password cannot change, and retrying the same cookie only costs the
   * node's 250 ms penalty for a wrong password.
   */
  Future<Optional<String>> afterRejection(String refused) {
    if (fixedHeader != null) {
      return Future.succeededFuture(Optional.empty());
    }
    cookieHeader = null;
    return readCookie().map(h -> h.equals(refused) ? Optional.<String>empty() : Optional.of(h));
  }

  /** Names the credentials in an error message without revealing them. */
  String describe() {
    return cookieFile.map(p -> "the cookie from " + p).orElse("rpc_user and its password");
  }

  private Future<String> readCookie() {
    Path file = cookieFile.orElseThrow();
    return vertx.fileSystem().readFile(file.toString())
        .recover(t -> Future.failedFuture(new SourceException(ErrorReason.AUTH,
            "cannot read the cookie file " + file + " (" + rootCause(t).getClass().getSimpleName() + "); is bitcoind running?")))
        .map(buffer -> {
          // bitcoind writes "__cookie__:<hex>" without a newline; take the first line and trim anyway.
          String text = buffer.toString(StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
          int colon = text.indexOf(':');
          if (colon <= 0 || colon == text.length() - 1) {
            throw new SourceException(ErrorReason.AUTH, "the cookie file " + file + " is not in the form user:password");
          }
          String header = basic(text.substring(0, colon), text.substring(colon + 1));
          cookieHeader = header;
          return header;
        });
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }
}
