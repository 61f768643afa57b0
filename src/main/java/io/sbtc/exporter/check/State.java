package io.sbtc.exporter.check;

import java.util.Locale;

/**
 * The state of one checklist item. Only {@link #FAIL} makes {@code check} exit 1: {@link #UNKNOWN}
 * (the config does not let the exporter judge it, or its source cannot be read) and {@link #MANUAL}
 * (no host can judge it) never pass for a pass.
 */
public enum State {
  FAIL, WARN, UNKNOWN, PASS, MANUAL;

  /** Lower case, as printed and in JSON. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Of two parts of one item, the one the item shows: fail, then warn, then unknown, then pass. */
  static State worse(State a, State b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
