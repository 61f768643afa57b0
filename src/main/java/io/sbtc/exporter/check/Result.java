package io.sbtc.exporter.check;

/** One item and what its evaluation found. */
public record Result(Item item, Verdict verdict) {
  public State state() {
    return verdict.state();
  }
}
