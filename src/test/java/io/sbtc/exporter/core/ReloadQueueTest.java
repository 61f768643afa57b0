package io.sbtc.exporter.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reloads one at a time; a request made during a reload is answered by a reload that starts after it. */
class ReloadQueueTest {
  /** Each reload is a promise the test completes by hand, so the order of events is exact. */
  final List<Promise<Void>> started = new ArrayList<>();
  final ReloadQueue queue = new ReloadQueue(() -> {
    Promise<Void> p = Promise.promise();
    started.add(p);
    return p.future();
  });

  @Test
  void aRequestDuringAReloadWaitsForTheNextOneInsteadOfRunningBesideIt() {
    Future<Void> first = queue.request();
    Future<Void> second = queue.request();
    assertEquals(1, started.size(), "the second request does not start a reload while the first runs");
    started.get(0).complete();
    assertTrue(first.succeeded());
    assertFalse(second.isComplete(), "answered by the reload that started after it, not by the one it arrived during");
    assertEquals(2, started.size(), "the second request was not lost: a new reload started as the first ended");
    started.get(1).complete();
    assertTrue(second.succeeded());
  }

  @Test
  void requestsDuringOneReloadShareTheNextReload() {
    queue.request();
    Future<Void> b = queue.request();
    Future<Void> c = queue.request();
    started.get(0).complete();
    assertEquals(2, started.size(), "two signals during a reload need one more re-read, not two");
    started.get(1).fail(new IllegalStateException("bad config"));
    assertTrue(b.failed());
    assertSame(b.cause(), c.cause(), "both learn the outcome of the reload that covered them");
  }

  @Test
  void aFailedReloadDoesNotStopTheNext() {
    Future<Void> first = queue.request();
    started.get(0).fail(new IllegalStateException("unreadable"));
    assertTrue(first.failed());
    Future<Void> second = queue.request();
    assertEquals(2, started.size());
    started.get(1).complete();
    assertTrue(second.succeeded());
  }

  @Test
  void aReloadThatThrowsInsteadOfFailingIsAFailureAndTheQueueGoesOn() {
    ReloadQueue throwing = new ReloadQueue(() -> {
      throw new IllegalStateException("bug");
    });
    assertTrue(throwing.request().failed());
    assertTrue(throwing.request().failed(), "not stuck as running");
  }
}
