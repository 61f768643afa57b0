package io.sbtc.exporter.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Polls one source on its own interval, bounds each poll by the source's timeout and publishes the
 * outcome as a new {@link SourceState}. Polls of one source never overlap.
 */
public final class SourceRunner {
  private static final System.Logger LOG = System.getLogger(SourceRunner.class.getName());

  private final Vertx vertx;
  private final String name;
  private final Schedule schedule;
  private final Source source;
  private final Clock clock;
  private final AtomicReference<SourceState> state = new AtomicReference<>(SourceState.initial());
  private final Promise<Void> firstPollDone = Promise.promise();
  private volatile boolean stopped;
  private volatile long timerId = -1;

  public SourceRunner(Vertx vertx, String name, Schedule schedule, Source source, Clock clock) {
    this.vertx = vertx;
    this.name = name;
    this.schedule = schedule;
    this.source = source;
    this.clock = clock;
  }

  /** The {@code source} label value, e.g. {@code bitcoin} or {@code backup:signer-db}. */
  public String name() {
    return name;
  }

  public Schedule schedule() {
    return schedule;
  }

  public SourceState state() {
    return state.get();
  }

  /** Completes after the first poll, whatever its outcome: the readiness signal. */
  public Future<Void> firstPollDone() {
    return firstPollDone.future();
  }

  public void start() {
    pollNow();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    return source.close();
  }

  private void pollNow() {
    if (stopped) {
      return;
    }
    long started = System.nanoTime();
    pollWithDeadline().onComplete(ar -> {
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      if (ar.succeeded()) {
        record(state.get().succeeded(ar.result(), clock.instant(), took));
      } else {
        record(state.get().failed(SourceException.from(ar.cause()), took));
      }
      firstPollDone.tryComplete();
      if (!stopped) {
        long delay = Math.max(1, schedule.interval().minus(took).toMillis());
        timerId = vertx.setTimer(delay, id -> pollNow());
      }
    });
  }

  private Future<SourceSnapshot> pollWithDeadline() {
    Promise<SourceSnapshot> result = Promise.promise();
    Duration timeout = schedule.timeout();
    Poll poll = Poll.start(timeout);
    long deadline = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> result.tryFail(
        new SourceException(ErrorReason.TIMEOUT, "no answer within " + timeout.toMillis() + "ms")));
    Future<SourceSnapshot> polled;
    try {
      polled = source.poll(poll);
    } catch (RuntimeException e) {
      polled = Future.failedFuture(e);
    }
    polled.onComplete(ar -> {
      vertx.cancelTimer(deadline);
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
      } else {
        result.tryFail(ar.cause());
      }
    });
    return result.future();
  }

  private void record(SourceState next) {
    SourceState previous = state.getAndSet(next);
    if (next.lastPollOk() && (!previous.lastPollOk() && previous.polledOnce())) {
      LOG.log(Level.INFO, "source={0} msg=\"source recovered\"", name);
    } else if (!next.lastPollOk() && (previous.lastPollOk() || !previous.polledOnce())) {
      SourceException e = next.lastError().orElseThrow();
      LOG.log(Level.WARNING, "source={0} reason={1} msg=\"poll failed: {2}\"", name, e.reason().label(), e.getMessage());
    }
  }
}
