package io.sbtc.exporter.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * At most {@link #MAX_CONNECTIONS} connections, so that a flood of them cannot starve the process
 * next to the signer, without letting anyone who can connect lock Prometheus out by holding them:
 * <ul>
 *   <li>a connection must complete its first request's headers within {@link #HEADER_TIMEOUT};</li>
 *   <li>between two requests a connection may wait {@link #KEEP_ALIVE}, however slowly it sends;</li>
 *   <li>when every slot is taken, a new connection takes the slot of the one that has waited
 *   longest without a request in progress; it is refused only when all are serving requests.</li>
 * </ul>
 * TLS handshakes happen before a connection gets here, bounded by Vert.x's handshake timeout.
 */
public final class ConnectionSlots {
  public static final int MAX_CONNECTIONS = 64;
  /** A scraper sends its request as soon as it is connected; 10 s is generous even for a loaded host. */
  public static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
  /** As long as the server's idle timeout: a scraper that polls every minute or faster reuses its connection. */
  public static final Duration KEEP_ALIVE = Duration.ofSeconds(60);

  private static final class Slot {
    int inFlight;
    long idleSince;
    long timer = -1;

    Slot(long now) {
      this.idleSince = now;
    }
  }

  private final Vertx vertx;
  private final int max;
  /** Guarded by {@code this}: connections of one server may be served by more than one event loop. */
  private final Map<HttpConnection, Slot> slots = new IdentityHashMap<>();

  public ConnectionSlots(Vertx vertx) {
    this(vertx, MAX_CONNECTIONS);
  }

  ConnectionSlots(Vertx vertx, int max) {
    this.vertx = vertx;
    this.max = max;
  }

  /** The server's connection handler. */
  public void accept(HttpConnection connection) {
    HttpConnection evicted = null;
    Slot slot = new Slot(System.nanoTime());
    synchronized (this) {
      if (slots.size() >= max) {
        evicted = longestIdle();
        if (evicted == null) {
          connection.close(); // every slot is serving a request
          return;
        }
        cancel(slots.remove(evicted));
      }
      slots.put(connection, slot);
    }
    if (evicted != null) {
      evicted.close();
    }
    connection.closeHandler(v -> {
      synchronized (this) {
        cancel(slots.remove(connection));
      }
    });
    arm(connection, slot, HEADER_TIMEOUT);
  }

  /** The router's first handler: the request's headers are complete; the slot is busy until the response ends. */
  void requestStarted(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    synchronized (this) {
      Slot slot = slots.get(connection);
      if (slot != null) {
        slot.inFlight++;
        cancel(slot);
      }
    }
    ctx.addEndHandler(ar -> requestEnded(connection));
    ctx.next();
  }

  private void requestEnded(HttpConnection connection) {
    Slot slot;
    synchronized (this) {
      slot = slots.get(connection);
      if (slot == null || --slot.inFlight > 0) {
        return;
      }
      slot.idleSince = System.nanoTime();
    }
    arm(connection, slot, KEEP_ALIVE);
  }

  /** Closes the connection when no request has started within {@code wait}. */
  private void arm(HttpConnection connection, Slot slot, Duration wait) {
    long id = vertx.setTimer(wait.toMillis(), t -> {
      boolean expired;
      synchronized (this) {
        expired = slot.timer == t && slot.inFlight == 0 && slots.get(connection) == slot;
      }
      if (expired) {
        connection.close();
      }
    });
    synchronized (this) {
      if (slot.inFlight == 0 && slot.timer == -1) {
        slot.timer = id;
        return;
      }
    }
    vertx.cancelTimer(id); // a request started meanwhile
  }

  private void cancel(Slot slot) {
    if (slot != null && slot.timer != -1) {
      vertx.cancelTimer(slot.timer);
      slot.timer = -1;
    }
  }

  private HttpConnection longestIdle() {
    HttpConnection oldest = null;
    long since = 0;
    for (Map.Entry<HttpConnection, Slot> e : slots.entrySet()) {
      Slot s = e.getValue();
      if (s.inFlight == 0 && (oldest == null || s.idleSince - since < 0)) {
        oldest = e.getKey();
        since = s.idleSince;
      }
    }
    return oldest;
  }
}
