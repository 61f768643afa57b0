package io.sbtc.exporter.core;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything known about one source after its latest poll. Replaced whole after each poll, so a
 * scrape always reads one consistent state.
 *
 * @param lastGood the snapshot of the latest successful poll, if any
 * @param lastSuccess when that poll finished
 * @param lastPollOk whether the latest poll succeeded
 * @param lastError why the latest poll failed, when it did
 * @param errors errors since start by reason (never reset: they feed a counter)
 */
public record SourceState(
    Optional<SourceSnapshot> lastGood,
    Optional<Instant> lastSuccess,
    boolean polledOnce,
    boolean lastPollOk,
    Duration lastPollDuration,
    Optional<SourceException> lastError,
    Map<ErrorReason, Long> errors) {

  public SourceState {
    errors = Map.copyOf(errors);
  }

  static SourceState initial() {
    return new SourceState(Optional.empty(), Optional.empty(), false, false, Duration.ZERO, Optional.empty(), Map.of());
  }

  SourceState succeeded(SourceSnapshot snapshot, Instant at, Duration took) {
    Map<ErrorReason, Long> counts = counted(snapshot.partialErrors().stream().map(SourceException::reason).toList());
    return new SourceState(Optional.of(snapshot), Optional.of(at), true, true, took, Optional.empty(), counts);
  }

  SourceState failed(SourceException error, Duration took) {
    return new SourceState(lastGood, lastSuccess, true, false, took, Optional.of(error), counted(java.util.List.of(error.reason())));
  }

  /** The last good snapshot while it is younger than {@code maxAge}: older data is never served. */
  public Optional<SourceSnapshot> freshSnapshot(Instant now, Duration maxAge) {
    if (lastSuccess.isEmpty() || Duration.between(lastSuccess.get(), now).compareTo(maxAge) > 0) {
      return Optional.empty();
    }
    return lastGood;
  }

  private Map<ErrorReason, Long> counted(java.util.List<ErrorReason> reasons) {
    Map<ErrorReason, Long> counts = new EnumMap<>(ErrorReason.class);
    counts.putAll(errors);
    reasons.forEach(r -> counts.merge(r, 1L, Long::sum));
    return counts;
  }
}
