package io.sbtc.exporter.http;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.WebConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * TLS and basic auth from the exporter-toolkit web config file. Like the toolkit, the file is
 * re-read when it changes, and so are the certificate, key and client CA files it names: a valid
 * new set takes effect (new users at once, new certificates and TLS settings for new connections);
 * an invalid one is logged and the running one stays in force.
 */
public final class WebSecurity {
  private static final System.Logger LOG = System.getLogger(WebSecurity.class.getName());
  private static final long RELOAD_CHECK_MS = 5_000;

  /** A web config as read, with the digest of every file it was read from. */
  private record Loaded(WebConfig config, byte[] digest) {}

  private final Vertx vertx;
  private final Optional<Path> file;
  private final AtomicReference<WebConfig> current;
  private final BasicAuth basicAuth;
  private volatile byte[] lastDigest;

  public WebSecurity(Vertx vertx, Optional<Path> file) {
    this.vertx = vertx;
    this.file = file;
    Optional<Loaded> loaded = file.map(this::load);
    this.current = new AtomicReference<>(loaded.map(Loaded::config).orElse(WebConfig.NONE));
    this.lastDigest = loaded.map(Loaded::digest).orElse(null);
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
      ServerSSLOptions ssl = TlsSettings.sslOptions(tls);
      options.setKeyCertOptions(ssl.getKeyCertOptions());
      options.setTrustOptions(ssl.getTrustOptions());
      options.setClientAuth(ssl.getClientAuth());
      options.setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
      ssl.getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
    });
    return options;
  }

  /**
   * Checks the web config file and the TLS files it names for changes every few seconds while the
   * server runs, and reloads them; {@code outcome} hears whether each such reload succeeded.
   */
  public void watch(HttpServer server, Consumer<Boolean> outcome) {
    if (file.isPresent()) {
      vertx.setPeriodic(RELOAD_CHECK_MS, id -> vertx.executeBlocking(() -> digestOf(file.get(), current.get()), false)
          .onSuccess(digest -> {
            if (!MessageDigest.isEqual(digest, lastDigest)) {
              lastDigest = digest; // a broken file is reported once, not every few seconds
              reload(server).onComplete(ar -> outcome.accept(ar.succeeded()));
            }
          }));
    }
  }

  /** Re-reads the files now; also what a reload request or SIGHUP calls. */
  public Future<Void> reload(HttpServer server) {
    if (file.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> load(file.get()), false)
        .onFailure(e -> LOG.log(Level.ERROR, "msg=\"web config not reloaded; the running one stays in force\" error=\"{0}\"",
            e.getMessage()))
        .compose(next -> apply(next, server));
  }

  /** Reads and checks the web config and its TLS files: blocking. */
  private Loaded load(Path path) {
    WebConfig config = WebConfig.load(path);
    config.tls().ifPresent(tls -> TlsSettings.checkPair(vertx, path, tls));
    return new Loaded(config, digestOf(path, config));
  }

  private Future<Void> apply(Loaded loaded, HttpServer server) {
    WebConfig next = loaded.config();
    WebConfig previous = current.get();
    if (previous.tls().isPresent() != next.tls().isPresent()) {
      LOG.log(Level.ERROR, "msg=\"web config not reloaded: turning TLS on or off needs a restart\"");
      return Future.failedFuture(new ConfigException(file.get() + ": turning TLS on or off needs a restart"));
    }
    // Forced: Vert.x otherwise keeps the TLS context of equal file paths, whatever the files now hold,
    // and ignores changed protocols and cipher suites.
    Future<Boolean> applied = next.tls().isPresent() && server != null
        ? server.updateSSLOptions(TlsSettings.sslOptions(next.tls().get()), true)
        : Future.succeededFuture(true);
    return applied.compose(took -> took ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(new ConfigException(file.get() + ": the server kept its TLS settings")))
        .onSuccess(x -> {
          current.set(next);
          lastDigest = loaded.digest();
          basicAuth.forget();
          warnAboutMixedCosts(next);
          LOG.log(Level.INFO, "msg=\"web config reloaded\" file={0} users={1} tls={2}", file.get(), next.basicAuthUsers().size(),
              next.tls().map(t -> String.join(",", t.protocols())).orElse("off"));
        })
        .onFailure(e -> LOG.log(Level.ERROR, "msg=\"web config not reloaded: TLS files rejected\" error=\"{0}\"", e.getMessage()));
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

  /** One digest over the web config file and the TLS files it names; a file that cannot be read counts as empty. */
  private static byte[] digestOf(Path webConfig, WebConfig config) {
    StringBuilder all = new StringBuilder();
    List<Path> files = new ArrayList<>(List.of(webConfig));
    files.addAll(TlsSettings.files(config));
    for (Path f : files) {
      all.append(HexFormat.of().formatHex(BasicAuth.sha256(read(f))));
    }
    return BasicAuth.sha256(all.toString());
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }
}
