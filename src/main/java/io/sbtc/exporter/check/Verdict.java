package io.sbtc.exporter.check;

import java.util.Optional;

/**
 * What one item's evaluation found.
 *
 * @param fact what was measured, in one line ("signer-db: newest backup 31 h old, limit 26 h")
 * @param hint what to do to get a verdict: the config section to add for {@code unknown}, the question
 *     to answer for {@code manual}
 */
public record Verdict(State state, String fact, Optional<String> hint) {
  /** The fact of a manual item when the host shows nothing that bears on it. */
  public static final String NOT_MEASURABLE = "cannot be seen from this host";

  static Verdict pass(String fact) {
    return new Verdict(State.PASS, fact, Optional.empty());
  }

  static Verdict fail(String fact) {
    return new Verdict(State.FAIL, fact, Optional.empty());
  }

  static Verdict warn(String fact) {
    return new Verdict(State.WARN, fact, Optional.empty());
  }

  static Verdict unknown(String fact) {
    return new Verdict(State.UNKNOWN, fact, Optional.empty());
  }

  /** Unknown because a config section is missing: {@code add} says which and how. */
  static Verdict notConfigured(String fact, String add) {
    return new Verdict(State.UNKNOWN, fact, Optional.of(add));
  }

  static Verdict manual(String fact, String question) {
    return new Verdict(State.MANUAL, fact, Optional.of(question));
  }
}
