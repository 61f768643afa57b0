package io.sbtc.exporter.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Runs reloads one at a time, whoever asks (SIGHUP, {@code POST /-/reload}, from any thread).
 *
 * <p>A request that arrives while a reload runs is not dropped and does not start a second reload
 * beside it: it waits for a reload that starts after the running one ends, so that reload reads
 * the files as they are after the request. Every request made during one reload shares that next
 * reload (an editor saving twice sends two signals; one re-read covers both). Running two at once
 * would let the slower one, which may have read the older file, be applied last.
 */
public final class ReloadQueue {
  private static final System.Logger LOG = System.getLogger(ReloadQueue.class.getName());

  private final Supplier<Future<Void>> reload;
  private boolean running;
  private Promise<Void> next;

  /** @param reload one complete reload; it must always complete, which is why its steps are bounded */
  public ReloadQueue(Supplier<Future<Void>> reload) {
    this.reload = reload;
  }

  /** Completes with the outcome of a reload that started after this call. */
  public Future<Void> request() {
    synchronized (this) {
      if (running) {
        if (next == null) {
          next = Promise.promise();
          LOG.log(System.Logger.Level.INFO, "msg=\"reload requested while one runs; another follows it\"");
        }
        return next.future();
      }
      running = true;
    }
    return runThenNext();
  }

  private Future<Void> runThenNext() {
    Future<Void> outcome;
    try {
      outcome = reload.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(ar -> {
      Promise<Void> waiting;
      synchronized (this) {
        waiting = next;
        next = null;
        running = waiting != null;
      }
      if (waiting != null) {
        runThenNext().onComplete(waiting);
      }
    });
    return outcome;
  }
}
