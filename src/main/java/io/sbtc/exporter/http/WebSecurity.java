package io.sbtc.exporter.http;

import io.sbtc.exporter.config.ConfigException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TLS and basic auth from the exporter-toolkit web config file. Like the toolkit, the file is
 * re-read when it changes: a valid new file takes effect (new users at once, new certificates for
 * new connections); an invalid one is logged and the running one stays in force.
 */
public final class WebSecurity {
  private static final System.Logger LOG = System.getLogger(WebSecurity.class.getName());
  private static final long RELOAD_CHECK_MS = 5_000;

  private final Vertx vertx;
  private final Optional<Path> file;
  private final AtomicReference<WebConfig> current;
  private final BasicAuth basicAuth;
  private volatile byte[] lastDigest;

  public WebSecurity(Vertx vertx, Optional<Path> file) {
    this.vertx = vertx;
    this.file = file;
    this.current = new AtomicReference<>(file.map(WebConfig::load).orElse(WebConfig.NONE));
    this.lastDigest = file.map(WebSecurity::digestOf).orElse(null);
    this.basicAuth = new BasicAuth(vertx);
    warnAboutMixedCosts(current.get());
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
      basicAuth.forget();
      warnAboutMixedCosts(next);
      LOG.log(Level.INFO, "msg=\"web config reloaded\" file={0} users={1}", file.get(), next.basicAuthUsers().size());
    }).onFailure(e -> LOG.log(Level.ERROR, "msg=\"web config not reloaded: TLS files rejected\" error=\"{0}\"", e.getMessage()));
  }

  /** Basic auth for every route when the web config has users; 401 without detail otherwise. */
  public void authenticate(RoutingContext ctx) {
    WebConfig config = current.get();
    if (config.authRequired()) {
      basicAuth.authenticate(ctx, config);
    } else {
      ctx.next();
    }
  }

  /** Unknown users are checked at the highest cost; a user with a lower one answers faster, which tells its name apart. */
  private static void warnAboutMixedCosts(WebConfig config) {
    Set<Integer> costs = new java.util.TreeSet<>();
    config.basicAuthUsers().values().forEach(h -> costs.add(BasicAuth.cost(h.reveal())));
    if (costs.size() > 1) {
      LOG.log(Level.WARNING, "msg=\"basic_auth_users have different bcrypt costs {0}: a user with a lower cost answers faster than"
          + " an unknown user, which tells its name apart; hash every password with the same cost\"", costs);
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

  private static byte[] digestOf(Path file) {
    try {
      return BasicAuth.sha256(Files.readString(file));
    } catch (IOException e) {
      return new byte[0];
    }
  }

}
