package io.sbtc.exporter.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An item made of several parts (one per backup, per log component, per version): the item takes
 * the worst part's state, and its fact lists the parts, worst first.
 */
final class Parts {
  private record Part(State state, String text) {}

  private final List<Part> parts = new ArrayList<>();

  Parts add(State state, String text) {
    parts.add(new Part(state, text));
    return this;
  }

  boolean isEmpty() {
    return parts.isEmpty();
  }

  Verdict verdict() {
    State state = parts.stream().map(Part::state).reduce(State.PASS, State::worse);
    List<String> texts = parts.stream().sorted(Comparator.comparing(Part::state)).map(Part::text).toList();
    return new Verdict(state, String.join("; ", texts), java.util.Optional.empty());
  }
}
