package io.sbtc.exporter.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The one rule every source's poll follows: a failed part costs its own metrics and is counted, and
 * the poll fails only when none of its parts answered, with the first part's error.
 */
class PollTest {
  static final SourceException REFUSED = new SourceException(ErrorReason.CONNECT, "cannot connect to http://node:20443");
  static final SourceException GARBAGE = new SourceException(ErrorReason.PARSE, "response from http://node:20443 is not JSON");

  @Test
  void onePartThatAnswersKeepsThePollUpAndTheOthersAreCounted() {
    Poll poll = Poll.start(Duration.ofSeconds(5));
    poll.failed("/v2/info", REFUSED);
    poll.answered("/v2/neighbors");
    poll.failed("/v2/pox", GARBAGE);
    assertEquals(List.of(REFUSED, GARBAGE), poll.snapshot(List.of()).partialErrors());
  }

  @Test
  void whenEveryPartFailsThePollFailsWithTheFirstPartsError() {
    Poll poll = Poll.start(Duration.ofSeconds(5));
    poll.failed("getblockchaininfo", GARBAGE);
    poll.failed("uptime", REFUSED);
    assertSame(GARBAGE, assertThrows(SourceException.class, () -> poll.snapshot(List.of())));
  }

  /** Parts that answer later are listed in the order they were asked, whatever answers first. */
  @Test
  void partsKeepTheOrderTheyWereAskedIn() {
    Poll poll = Poll.start(Duration.ofSeconds(5));
    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();
    Future<Optional<String>> a = poll.part("first", first.future());
    Future<Optional<String>> b = poll.part("second", second.future());
    second.fail(REFUSED);
    first.fail(GARBAGE);
    assertEquals(Optional.empty(), a.result());
    assertEquals(Optional.empty(), b.result());
    assertSame(GARBAGE, assertThrows(SourceException.class, () -> poll.snapshot(List.of())));
  }

  @Test
  void aPartThatKeepsItsEarlierAnswerCountsAsAnsweredAndItsErrorIsCounted() {
    Poll poll = Poll.start(Duration.ofSeconds(5));
    poll.failedKeepingEarlierAnswer("signer", REFUSED);
    poll.failed("bitcoind", GARBAGE);
    assertEquals(List.of(REFUSED, GARBAGE), poll.snapshot(List.of()).partialErrors());
  }

  @Test
  void problemsAreCountedButNeverFailThePoll() {
    Poll poll = Poll.start(Duration.ofSeconds(5));
    poll.problem(GARBAGE);
    assertEquals(List.of(GARBAGE), poll.snapshot(List.of()).partialErrors());
  }

  /** An exception that is not a SourceException is a bug: its message may hold anything, so only its type is kept. */
  @Test
  void anUnexpectedExceptionBecomesOtherWithoutItsMessage() {
    Poll poll = Poll.start(Duration.ofSeconds(5));
    assertEquals(Optional.empty(), poll.read("info", () -> {
      throw new IllegalStateException("http://user:hunter2@node");
    }));
    SourceException e = assertThrows(SourceException.class, () -> poll.snapshot(List.of()));
    assertEquals(ErrorReason.OTHER, e.reason());
    assertEquals("unexpected IllegalStateException", e.getMessage());
  }

  @Test
  void partsGiveUpBeforeThePollDoes() {
    Poll poll = Poll.start(Duration.ofSeconds(10));
    long gap = poll.deadline().endNanos() - poll.partDeadline().endNanos();
    assertEquals(Duration.ofSeconds(1).toNanos(), gap);
    assertTrue(poll.deadline().remaining().compareTo(Duration.ofSeconds(9)) > 0);
  }

  /** JDBC reads a statement timeout of 0 as no limit at all: a step never gets less than a second. */
  @Test
  void aStepNeverGetsLessThanOneSecond() {
    Deadline passed = Deadline.after(Duration.ZERO);
    assertTrue(passed.passed());
    assertEquals(1, passed.seconds());
    assertEquals(Duration.ofSeconds(1), passed.forStep(Duration.ofMinutes(5)));
    assertEquals(Duration.ofSeconds(2), Deadline.after(Duration.ofMinutes(1)).forStep(Duration.ofSeconds(2)));
  }
}
