package io.sbtc.exporter.check;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Every item of the checklist with its verdict, as of one instant. */
public record Scorecard(List<Result> results, Instant at) {
  /** {@code check}'s exit status when nothing fails, when something fails, and when it could not run. */
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_INVALID = 2;

  public Scorecard {
    results = List.copyOf(results);
  }

  /** How many items are in each state; every state is present, 0 when none is in it. */
  public Map<State, Integer> counts() {
    Map<State, Integer> counts = new EnumMap<>(State.class);
    for (State s : State.values()) {
      counts.put(s, 0);
    }
    results.forEach(r -> counts.merge(r.state(), 1, Integer::sum));
    return counts;
  }

  public int exitCode() {
    return counts().get(State.FAIL) > 0 ? EXIT_FAILED : EXIT_OK;
  }

  /** "1 fail, 0 warn, 9 pass, 5 unknown, 5 manual". */
  public String summary() {
    Map<State, Integer> c = counts();
    return c.get(State.FAIL) + " fail, " + c.get(State.WARN) + " warn, " + c.get(State.PASS) + " pass, "
        + c.get(State.UNKNOWN) + " unknown, " + c.get(State.MANUAL) + " manual";
  }
}
