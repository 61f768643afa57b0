package io.sbtc.exporter.core;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One poll of one source: the deadline the core enforces, and what the poll records while it reads.
 *
 * <p>A source that asks its upstream several things (endpoints, RPC calls, queries) records each as
 * a named <em>part</em>: answered, or failed with a reason. The policy is the core's, the same for
 * every source: a failed part costs its own metrics and counts in
 * {@code sbtc_exporter_source_errors_total}, and the poll as a whole fails only when parts were
 * recorded and none of them answered; it then fails with the first part's error. A source without
 * parts succeeds with its snapshot or fails with a {@link SourceException}.
 *
 * <p>Parts may complete on any thread; each records itself once.
 */
public final class Poll {
  /** Parts give up this share of the timeout before the poll does, so one that hangs fails alone. */
  static final int PART_MARGIN_DIVISOR = 10;

  /** One part in the order it was asked, filled in when it ends: errors keep that order whatever answers first. */
  private static final class Part {
    final String name;
    boolean done;
    boolean answered;
    Optional<SourceException> error = Optional.empty();

    Part(String name) {
      this.name = name;
    }
  }

  private final Deadline deadline;
  private final Duration timeout;
  private final List<Part> parts = new ArrayList<>();
  private final List<SourceException> problems = new ArrayList<>();

  private Poll(Deadline deadline, Duration timeout) {
    this.deadline = deadline;
    this.timeout = timeout;
  }

  /** A poll that starts now and may take {@code timeout}. */
  public static Poll start(Duration timeout) {
    return new Poll(Deadline.after(timeout), timeout);
  }

  /** When the core gives up on this poll: the bound for a source that makes one call. */
  public Deadline deadline() {
    return deadline;
  }

  /** The bound for one of several parts: a little before the poll's, so a part that hangs fails on its own. */
  public Deadline partDeadline() {
    return deadline.earlier(timeout.dividedBy(PART_MARGIN_DIVISOR));
  }

  /** The poll's timeout, for messages. */
  public Duration timeout() {
    return timeout;
  }

  public void answered(String part) {
    end(begin(part), true, null);
  }

  public void failed(String part, Throwable cause) {
    end(begin(part), false, cause);
  }

  /** Failed this time, but its earlier answer is still shown (a release feed that is rate-limited): it counts as answered. */
  public void failedKeepingEarlierAnswer(String part, Throwable cause) {
    end(begin(part), true, cause);
  }

  /** A problem that is a finding rather than a failed part (a file that cannot be read): it counts, and the poll goes on. */
  public synchronized void problem(SourceException e) {
    problems.add(e);
  }

  /** Reads one part now: its value when {@code reader} returns one, empty when it throws (recorded as failed). */
  public <T> Optional<T> read(String part, Supplier<T> reader) {
    try {
      T value = reader.get();
      answered(part);
      return Optional.of(value);
    } catch (RuntimeException e) {
      failed(part, e);
      return Optional.empty();
    }
  }

  /** One part that answers later: its value, or empty when it failed (recorded as failed); never a failed future. */
  public <T> Future<Optional<T>> part(String part, Future<T> answer) {
    Part p = begin(part);
    return answer.map(value -> {
      end(p, true, null);
      return Optional.of(value);
    }).otherwise(e -> {
      end(p, false, e);
      return Optional.empty();
    });
  }

  private synchronized Part begin(String name) {
    Part p = new Part(name);
    parts.add(p);
    return p;
  }

  private synchronized void end(Part p, boolean answered, Throwable cause) {
    p.done = true;
    p.answered = answered;
    p.error = cause == null ? Optional.empty() : Optional.of(SourceException.from(cause));
  }

  /**
   * The outcome of the poll: a snapshot of {@code metrics} carrying the errors of failed parts and
   * the problems, or, when parts were recorded and none answered, the first part's error.
   *
   * @throws SourceException when every recorded part failed
   */
  public synchronized SourceSnapshot snapshot(List<MetricSnapshot> metrics) {
    List<SourceException> errors = new ArrayList<>();
    boolean anyAnswered = parts.stream().noneMatch(p -> p.done);
    for (Part p : parts) {
      anyAnswered |= p.answered;
      p.error.ifPresent(errors::add);
    }
    if (!anyAnswered) {
      throw errors.get(0);
    }
    errors.addAll(problems);
    return new SourceSnapshot(metrics, errors);
  }
}
