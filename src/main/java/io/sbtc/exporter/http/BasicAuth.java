package io.sbtc.exporter.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.config.WebConfig;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Basic auth against the web config's bcrypt hashes. bcrypt is slow on purpose, which makes every
 * guess cost the host CPU time next to the signer: at most {@link #CONCURRENT_CHECKS} run at once
 * on threads of their own, at most {@link #WAITING_CHECKS} more wait, and beyond that a request is
 * answered 503 without a check. Credentials that passed are remembered, so a scraper pays once.
 */
final class BasicAuth {
  /** Half the cores: guessing must not take the signer's host from it. */
  static final int CONCURRENT_CHECKS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  /** A short queue: at cost 10 (about 70 ms a check) the last one waits about half a second. */
  static final int WAITING_CHECKS = 8;
  private static final int MAX_REMEMBERED = 64;
  /** Salt and hash of no password; the cost is set to the highest configured (see {@link #dummyHash}). */
  private static final String DUMMY_SALT_AND_HASH = "QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

  private final WorkerExecutor checks;
  private final AtomicInteger pending = new AtomicInteger();
  private final Set<String> verified = ConcurrentHashMap.newKeySet();

  BasicAuth(Vertx vertx) {
    this.checks = vertx.createSharedWorkerExecutor("sbtc-bcrypt", CONCURRENT_CHECKS);
  }

  /** A new web config: what was verified against the old hashes no longer counts. */
  void forget() {
    verified.clear();
  }

  void authenticate(RoutingContext ctx, WebConfig config) {
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
    if (pending.incrementAndGet() > CONCURRENT_CHECKS + WAITING_CHECKS) {
      pending.decrementAndGet();
      ctx.response().setStatusCode(503).putHeader("Retry-After", "1").putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("Too many password checks at once\n");
      return;
    }
    ctx.request().pause();
    char[] password = credentials[1].toCharArray();
    // An unknown user is checked against a hash as slow as the slowest real one: the answer's time does not tell who exists.
    char[] expected = (hash == null ? dummyHash(config.basicAuthUsers().values()) : hash.reveal()).toCharArray();
    checks.executeBlocking(() -> BCrypt.verifyer().verify(password, expected).verified && hash != null, false)
        .onComplete(ar -> {
          pending.decrementAndGet();
          ctx.request().resume();
          if (ar.succeeded() && ar.result()) {
            if (verified.size() >= MAX_REMEMBERED) {
              verified.clear();
            }
            verified.add(cacheKey);
            ctx.next();
          } else {
            unauthorized(ctx);
          }
        });
  }

  /** A hash that matches no password, with the highest cost among {@code hashes}. */
  static String dummyHash(Collection<Secret> hashes) {
    return "$2y$" + String.format("%02d", highestCost(hashes)) + "$" + DUMMY_SALT_AND_HASH;
  }

  static int highestCost(Collection<Secret> hashes) {
    return hashes.stream().mapToInt(h -> cost(h.reveal())).max().orElse(10);
  }

  /** {@code $2y$10$...}: the two digits after the second {@code $} (WebConfig accepts no other form). */
  static int cost(String hash) {
    int start = hash.indexOf('$', 1) + 1;
    return Integer.parseInt(hash.substring(start, start + 2));
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

  private static String cacheKey(String user, String password, String hash) {
    return Base64.getEncoder().encodeToString(sha256(user + "\u0000" + password + "\u0000" + hash));
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
