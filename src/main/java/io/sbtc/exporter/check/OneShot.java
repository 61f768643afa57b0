package io.sbtc.exporter.check;

import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Generation;
import io.sbtc.exporter.core.SourceSet;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.setup.Sources;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code check}: the running exporter's own machinery, once. The same sources poll once, each bounded
 * by its own timeout, and the checklist is judged from the same collected families a scrape serves,
 * so a one-shot report and the live page never disagree on a limit.
 */
public final class OneShot {
  /** Room for the sources' own timeouts to fire and be recorded before the round is cut short. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private OneShot() {}

  public static Future<Scorecard> run(Vertx vertx, ExporterConfig config, List<SourceSpec> specs, List<DerivedMetrics> derived,
      String version, Clock clock) {
    Promise<Scorecard> result = Promise.promise();
    vertx.runOnContext(v -> {
      SourceSet sources = new SourceSet(vertx, clock);
      sources.apply(specs);
      Duration longest = sources.runners().stream().map(r -> r.schedule().timeout()).max(Duration::compareTo).orElse(Duration.ZERO);
      sources.firstRound()
          .timeout(longest.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS)
          .eventually(() -> {
            // Whatever the first round ended with, judge what a scrape would serve now.
            try {
              ExporterCollector collector = new ExporterCollector(version, sources::runners, () -> derived, clock);
              Generation generation = collector.generation();
              result.complete(Checklist.evaluate(new Readings(config, generation.views(), collector.collect(generation), clock.instant())));
            } catch (RuntimeException e) {
              result.fail(e);
            }
            return sources.stopAll();
          });
    });
    return result.future();
  }
}
