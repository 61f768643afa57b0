package io.sbtc.exporter.core;

import io.sbtc.exporter.config.Schedule;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * One upstream that the exporter polls. A poll either succeeds with a snapshot or fails with a
 * {@link SourceException} that carries the reason; the core, not the source, turns that into
 * {@code sbtc_exporter_source_*} metrics, schedules polls and enforces the timeout.
 */
public interface Source {

  /** The {@code source} label value, e.g. {@code bitcoin} or {@code backup:signer-db}. */
  String name();

  /** How often the source is polled and how long one poll may take. */
  Schedule schedule();

  default Duration interval() {
    return schedule().interval();
  }

  default Duration timeout() {
    return schedule().timeout();
  }

  /** Called on the event loop; blocking work (JDBC, file walks) must move to a worker. */
  Future<SourceSnapshot> poll();

  /** Releases clients and pools when the exporter stops or the source is replaced. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
