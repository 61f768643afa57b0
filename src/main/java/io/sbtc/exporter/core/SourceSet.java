package io.sbtc.exporter.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The running sources. Replaced as a whole on reload, so a scrape sees either the old set or the new one. */
public final class SourceSet {
  private static final System.Logger LOG = System.getLogger(SourceSet.class.getName());

  private record Running(SourceSpec spec, SourceRunner runner) {}

  private final Vertx vertx;
  private final Clock clock;
  private volatile Map<String, Running> running = Map.of();

  public SourceSet(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  public List<SourceRunner> runners() {
    return running.values().stream().map(Running::runner).toList();
  }

  /** Starts what is new or changed, stops what is gone or changed, keeps the rest untouched. */
  public Future<Void> apply(List<SourceSpec> specs) {
    Map<String, Running> previous = running;
    Map<String, Running> next = new LinkedHashMap<>();
    List<SourceRunner> started = new ArrayList<>();
    for (SourceSpec spec : specs) {
      Running old = previous.get(spec.name());
      if (old != null && old.spec().sameAs(spec)) {
        next.put(spec.name(), old);
      } else {
        SourceRunner runner = new SourceRunner(vertx, spec.name(), spec.schedule(), spec.factory().get(), clock);
        next.put(spec.name(), new Running(spec, runner));
        started.add(runner);
      }
    }
    List<Future<Void>> stopping = new ArrayList<>();
    previous.forEach((name, old) -> {
      if (next.get(name) != old) {
        stopping.add(old.runner().stop());
      }
    });
    running = Map.copyOf(next).isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(next);
    started.forEach(SourceRunner::start);
    if (!previous.isEmpty()) {
      LOG.log(Level.INFO, "msg=\"sources applied\" started={0} stopped={1} kept={2}",
          started.size(), stopping.size(), next.size() - started.size());
    }
    return Future.join(stopping).mapEmpty();
  }

  /** Completes when every current source has been polled once. */
  public Future<Void> firstRound() {
    return Future.join(runners().stream().map(SourceRunner::firstPollDone).toList()).mapEmpty();
  }

  public Future<Void> stopAll() {
    Future<Void> stopped = Future.join(runners().stream().map(SourceRunner::stop).toList()).mapEmpty();
    running = Map.of();
    return stopped;
  }
}
