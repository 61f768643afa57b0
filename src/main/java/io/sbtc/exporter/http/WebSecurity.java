package io.sbtc.exporter.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.Secret;
import io.sbtc.exporter.config.WebConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TLS and basic auth from the exporter-toolkit web config file. Like the toolkit, the file is
 * re-read when it changes: a valid new file takes effect (new users at once, new certificates for
 * new connections); an invalid one is logged and the running one stays in force.
 */
public final class WebSecurity {
  private static final System.Logger LOG = System.getLogger(WebSecurity.class.getName());
  private static final long RELOAD_CHECK_MS = 5_000;
  /** bcrypt is slow on purpose; remember good credentials so a 15s scrape does not pay for it every time. */
  private static final int MAX_CACHED = 64;
  /** A real hash, checked for unknown users so they take as long as known ones. */
  private static final char[] DUMMY_HASH = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi".toCharArray();

  private final Vertx vertx;
  private final Optional<Path> file;
  private final AtomicReference<WebConfig> current;
  private final Set<String> verified = ConcurrentHashMap.newKeySet();
  private volatile byte[] lastDigest;

  public WebSecurity(Vertx vertx, Optional<Path> file) {
    this.vertx = vertx;
    this.file = file;
    this.current = new AtomicReference<>(file.map(WebConfig::load).orElse(WebConfig.NONE));
    this.lastDigest = file.map(WebSecurity::digestOf).orElse(null);
  }

  public WebConfig current() {
    return current.get();
  }

  public boolean tls() {
    return current.get().tls().isPresent();
  }

  /** Adds TLS to the server options when the web config asks for it. */
  public HttpServerOptions configure(HttpServerOptions options) {
    current.get().tls().ifPresent(tls -> {
      options.setSsl(true);
      ServerSSLOptions ssl = sslOptions(tls);
      options.setKeyCertOptions(ssl.getKeyCertOptions());
      options.setTrustOptions(ssl.getTrustOptions());
      options.setClientAuth(ssl.getClientAuth());
      options.setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
    });
    return options;
  }

  /** Checks the file for changes every few seconds while the server runs. */
  public void watch(HttpServer server) {
    if (file.isPresent()) {
      vertx.setPeriodic(RELOAD_CHECK_MS, id -> vertx.executeBlocking(() -> digestOf(file.get()), false)
          .onSuccess(digest -> {
            if (!MessageDigest.isEqual(digest, lastDigest)) {
              lastDigest = digest;
              reload(server);
            }
          }));
    }
  }

  /** Re-reads the file now; also what a reload request or SIGHUP calls. */
  public Future<Void> reload(HttpServer server) {
    if (file.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> WebConfig.load(file.get()), false)
        .onFailure(e -> LOG.log(Level.ERROR, "msg=\"web config not reloaded; the running one stays in force\" error=\"{0}\"",
            e.getMessage()))
        .compose(next -> apply(next, server));
  }

  private Future<Void> apply(WebConfig next, HttpServer server) {
    WebConfig previous = current.get();
    if (previous.tls().isPresent() != next.tls().isPresent()) {
      LOG.log(Level.ERROR, "msg=\"web config not reloaded: turning TLS on or off needs a restart\"");
      return Future.failedFuture(new ConfigException(file.get() + ": turning TLS on or off needs a restart"));
    }
    Future<Void> applied = next.tls().isPresent() && server != null
        ? server.updateSSLOptions(sslOptions(next.tls().get())).mapEmpty()
        : Future.succeededFuture();
    return applied.onSuccess(x -> {
      current.set(next);
      verified.clear();
      LOG.log(Level.INFO, "msg=\"web config reloaded\" file={0} users={1}", file.get(), next.basicAuthUsers().size());
    }).onFailure(e -> LOG.log(Level.ERROR, "msg=\"web config not reloaded: TLS files rejected\" error=\"{0}\"", e.getMessage()));
  }

  /** Basic auth for every route when the web config has users; 401 without detail otherwise. */
  public void authenticate(RoutingContext ctx) {
    WebConfig config = current.get();
    if (!config.authRequired()) {
      ctx.next();
      return;
    }
    String[] credentials = parseBasic(ctx.request().getHeader("Authorization"));
    if (credentials == null) {
      unauthorized(ctx);
      return;
    }
    Secret hash = config.basicAuthUsers().get(credentials[0]);
    String cacheKey = hash == null ? null : cacheKey(credentials[0], credentials[1], hash.reveal());
    if (cacheKey != null && verified.contains(cacheKey)) {
      ctx.next();
      return;
    }
    ctx.request().pause();
    char[] password = credentials[1].toCharArray();
    char[] expected = hash == null ? DUMMY_HASH : hash.reveal().toCharArray();
    vertx.executeBlocking(() -> BCrypt.verifyer().verify(password, expected).verified && hash != null, false)
        .onComplete(ar -> {
          ctx.request().resume();
          if (ar.succeeded() && ar.result()) {
            if (verified.size() >= MAX_CACHED) {
              verified.clear();
            }
            verified.add(cacheKey);
            ctx.next();
          } else {
            unauthorized(ctx);
          }
        });
  }

  private static void unauthorized(RoutingContext ctx) {
    ctx.response().setStatusCode(401)
        .putHeader("WWW-Authenticate", "Basic realm=\"sbtc-signer-exporter\"")
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("Unauthorized\n");
  }

  private static String[] parseBasic(String header) {
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static ServerSSLOptions sslOptions(WebConfig.Tls tls) {
    ServerSSLOptions ssl = new ServerSSLOptions()
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString()))
        .setEnabledSecureTransportProtocols(tls.minVersion().equals("TLSv1.3") ? Set.of("TLSv1.3") : Set.of("TLSv1.2", "TLSv1.3"));
    tls.clientCaFile().ifPresent(ca -> ssl.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    ssl.setClientAuth(switch (tls.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case VERIFY_IF_GIVEN -> ClientAuth.REQUEST;
      case REQUIRE_AND_VERIFY -> ClientAuth.REQUIRED;
    });
    return ssl;
  }

  private static String cacheKey(String user, String password, String hash) {
    return Base64.getEncoder().encodeToString(sha256(user + "\u0000" + password + "\u0000" + hash));
  }

  private static byte[] digestOf(Path file) {
    try {
      return sha256(Files.readString(file));
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
