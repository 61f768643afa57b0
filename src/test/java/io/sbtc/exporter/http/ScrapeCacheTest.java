package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.PrometheusProperties;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.ExporterCollector;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceRunner;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.core.SourceState;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.testing.MutableClock;
import io.sbtc.exporter.testing.Scrape;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cached exposition shows every new poll and every source going stale at the very next scrape. */
class ScrapeCacheTest {
  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final List<DerivedMetrics> NO_DERIVED = List.of();

  /** A source whose polls the test answers by hand; the clock, not real time, decides freshness. */
  static final class ManualSource implements Source {
    final BlockingQueue<Promise<SourceSnapshot>> polls = new LinkedBlockingQueue<>();

    @Override
    public Future<SourceSnapshot> poll(Poll poll) {
      Promise<SourceSnapshot> p = Promise.promise();
      polls.add(p);
      return p.future();
    }
  }

  Vertx vertx;
  MutableClock clock;
  ManualSource source;
  SourceRunner runner;
  ScrapeCache cache;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
    source = new ManualSource();
    // A poll stays open until the test answers it.
    runner = new SourceRunner(vertx, "manual", new Schedule(INTERVAL, Duration.ofMinutes(5)), source, clock);
    ExporterCollector collector = new ExporterCollector("test", () -> List.of(runner), () -> NO_DERIVED, clock);
    cache = new ScrapeCache(collector, PrometheusProperties.builder().build());
    runner.start();
  }

  @AfterEach
  void stop() {
    runner.stop();
    vertx.close().await();
  }

  @Test
  void aNewPollShowsAtTheNextScrape() throws Exception {
    assertEquals(0.0, text().get("sbtc_exporter_source_up{source=\"manual\"}"));
    assertFalse(text().has("bench_value"));

    answerNextPoll(1);
    RecordedScrape.Answer first = answer(null);
    assertEquals(1.0, Scrape.of(body(first)).get("bench_value"));
    assertSame(first.body(), answer(null).body(), "the same generation is served from the cache");

    answerNextPoll(2);
    RecordedScrape.Answer second = answer(null);
    assertNotSame(first.body(), second.body());
    assertEquals(2.0, Scrape.of(body(second)).get("bench_value"));
    assertEquals(1.0, Scrape.of(body(second)).get("sbtc_exporter_source_up{source=\"manual\"}"));
  }

  /** What the event loop may serve without encoding: only an answer of the current generation. */
  @Test
  void theCachedAnswerIsOnlyEverOneOfTheCurrentGeneration() throws Exception {
    answerNextPoll(1);
    assertTrue(cache.cached(null, List.of()).isEmpty(), "nothing encoded yet");
    RecordedScrape.Answer first = answer(null);
    assertSame(first, cache.cached(null, List.of()).orElseThrow());
    assertTrue(cache.cached("application/openmetrics-text;version=1.0.0", List.of()).isEmpty(), "another kind of request");
    answerNextPoll(2);
    assertTrue(cache.cached(null, List.of()).isEmpty(), "a new poll is a new generation");
  }

  @Test
  void aSourceGoingStaleDisappearsAtTheNextScrape() throws Exception {
    answerNextPoll(7);
    assertEquals(7.0, text().get("bench_value"));

    // No poll finishes meanwhile: only the clock moves past 3 intervals.
    clock.advance(INTERVAL.multipliedBy(ExporterCollector.STALE_AFTER_INTERVALS).plusMillis(1));
    Scrape stale = text();
    assertFalse(stale.has("bench_value"), stale.body());
    assertEquals(0.0, stale.get("sbtc_exporter_source_up{source=\"manual\"}"));
  }

  @Test
  void eachFormatAndEncodingHasItsOwnAnswer() throws Exception {
    answerNextPoll(3);
    RecordedScrape.Answer openMetrics = answer("application/openmetrics-text;version=1.0.0");
    assertTrue(openMetrics.headers().get("Content-Type").startsWith("application/openmetrics-text"));
    assertTrue(body(openMetrics).endsWith("# EOF\n"));

    RecordedScrape.Answer text = answer(null);
    assertEquals("text/plain; version=0.0.4; charset=utf-8", text.headers().get("Content-Type"));
    assertEquals(3.0, Scrape.of(body(text)).get("bench_value"));

    RecordedScrape.Answer gzip = cache.answer(null, List.of("deflate, gzip")).orElseThrow();
    assertEquals("gzip", gzip.headers().get("Content-Encoding"));
    String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gzip.body().getBytes())).readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(body(text), unzipped);

    RecordedScrape.Answer protobuf = answer("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
    assertTrue(protobuf.headers().get("Content-Type").startsWith("application/vnd.google.protobuf"), protobuf.headers().toString());
  }

  @Test
  void oddAcceptHeadersDoNotGrowTheCache() throws Exception {
    answerNextPoll(1);
    for (int i = 0; i < ScrapeCache.MAX_VARIANTS; i++) {
      assertTrue(cache.answer("text/plain;q=0." + i, List.of()).isPresent());
    }
    assertTrue(cache.answer("text/plain;q=0.99", List.of()).isEmpty(), "served uncached instead");
    assertTrue(cache.answer("text/plain;q=0.1", List.of()).isPresent(), "known kinds still come from the cache");
  }

  /** Answers the source's pending poll and waits until the runner has published the new state. */
  private void answerNextPoll(double value) throws InterruptedException {
    Promise<SourceSnapshot> poll = source.polls.poll(20, TimeUnit.SECONDS);
    assertNotNull(poll, "the runner did not poll");
    SourceState before = runner.state();
    poll.complete(SourceSnapshot.of(new Metrics().gauge("bench_value", "A value the test sets.", value).build()));
    Await.until("the runner to record the answered poll", Duration.ofSeconds(20), () -> runner.state() != before);
  }

  private RecordedScrape.Answer answer(String accept) {
    try {
      return cache.answer(accept, List.of()).orElseThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Scrape text() {
    return Scrape.of(body(answer(null)));
  }

  private static String body(RecordedScrape.Answer answer) {
    assertEquals(200, answer.status());
    return answer.body().toString(StandardCharsets.UTF_8);
  }
}
