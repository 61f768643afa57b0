package io.sbtc.exporter.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * One upstream that the exporter polls. A poll either succeeds with a snapshot or fails with a
 * {@link SourceException} that carries the reason; the core, not the source, turns that into
 * {@code sbtc_exporter_source_*} metrics, schedules polls and enforces the timeout. Its name and
 * schedule are given where it is made ({@link SourceSpec}).
 */
public interface Source {

  /**
   * Called on the event loop; blocking work (JDBC, file walks, processes) must move to a worker
   * ({@link #onWorker}). Every call and step is bounded by {@code poll}'s deadline.
   */
  Future<SourceSnapshot> poll(Poll poll);

  /** Releases clients and pools when the exporter stops or the source is replaced. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /** A poll that is blocking work from start to end. */
  @FunctionalInterface
  interface Blocking {
    SourceSnapshot poll(Poll poll);
  }

  /** A source whose whole poll is blocking work: it runs on a Vert.x worker, never on the event loop. */
  static Source onWorker(Vertx vertx, Blocking work) {
    return poll -> vertx.executeBlocking(() -> work.poll(poll), false);
  }
}
