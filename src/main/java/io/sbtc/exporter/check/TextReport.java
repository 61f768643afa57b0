package io.sbtc.exporter.check;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The report {@code check} prints: one line per item (state, item, runbook, then the fact, which
 * is the long part), so that {@code grep '^fail'} finds what to fix, and a summary line. Colour is
 * for terminals only.
 */
public final class TextReport {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  private static final Map<State, String> COLOURS = Map.of(
      State.FAIL, "\u001b[1;31m", State.WARN, "\u001b[33m", State.PASS, "\u001b[32m",
      State.UNKNOWN, "\u001b[35m", State.MANUAL, "\u001b[36m");
  private static final String RESET = "\u001b[0m";

  private TextReport() {}

  /**
   * Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org).
   *
   * @param noColor the NO_COLOR environment variable, null when unset
   */
  public static boolean colour(boolean terminal, String noColor) {
    return terminal && (noColor == null || noColor.isEmpty());
  }

  public static String render(Scorecard card, boolean colour) {
    List<Result> results = card.results();
    int idWidth = Math.max("ITEM".length(), results.stream().mapToInt(r -> r.item().id().length()).max().orElse(0));
    int runbookWidth = Math.max("RUNBOOK".length(), results.stream().mapToInt(r -> runbook(r).length()).max().orElse(0));
    StringBuilder out = new StringBuilder();
    out.append("sbtc-signer-exporter check, ").append(WHEN.format(card.at())).append('\n');
    out.append(row("STATE", "ITEM", idWidth, "RUNBOOK", runbookWidth, "FACT")).append('\n');
    for (Result r : results) {
      String state = String.format("%-8s", r.state().label());
      if (colour) {
        state = COLOURS.get(r.state()) + r.state().label() + RESET + " ".repeat(8 - r.state().label().length());
      }
      out.append(state).append(row("", r.item().id(), idWidth, runbook(r), runbookWidth, fact(r)).substring(8)).append('\n');
    }
    out.append('\n').append(card.summary()).append(": exit ").append(card.exitCode()).append('\n');
    return out.toString();
  }

  /** The fact, then what to do: the question for a manual item, the config to add for an unknown one. */
  static String fact(Result r) {
    String fact = r.verdict().fact();
    if (r.state() == State.MANUAL) {
      String ask = "ask: " + r.verdict().hint().orElse("");
      return fact.equals(Verdict.NOT_MEASURABLE) ? ask : fact + "; " + ask;
    }
    return r.verdict().hint().map(h -> fact + "; " + h).orElse(fact);
  }

  private static String runbook(Result r) {
    return "docs/" + r.item().runbookPath();
  }

  private static String row(String state, String id, int idWidth, String runbook, int runbookWidth, String fact) {
    return String.format("%-8s %-" + idWidth + "s  %-" + runbookWidth + "s  %s", state, id, runbook, fact).stripTrailing();
  }
}
