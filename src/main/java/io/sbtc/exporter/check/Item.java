package io.sbtc.exporter.check;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One row of the checklist: what it checks, the metrics that measure it and the alerts that watch
 * the same thing, and how it is judged from what a scrape serves. An item judges with the limits
 * those metrics carry (a backup's {@code max_age} is {@code sbtc_backup_max_age_seconds}), never
 * with limits of its own.
 *
 * @param id stable, lower-case, used in the report, the JSON and the page
 * @param metrics the metric families the verdict is read from (empty only for manual items)
 * @param alerts the alerts in alerts/sbtc-signer.rules.yml that fire on what this item checks
 */
public record Item(String id, Practice practice, String title, List<String> metrics, List<String> alerts,
    Function<Readings, Verdict> judge) {
  static final String DOCS = "https://github.com/sbtc-signer-exporter/sbtc-signer-exporter/blob/main/docs/";

  public Item {
    metrics = List.copyOf(metrics);
    alerts = List.copyOf(alerts);
  }

  /** The runbook of the item's first alert, or its section of docs/check.md when it has none. */
  public String runbookUrl() {
    return DOCS + runbookPath();
  }

  /** The same link relative to the repository (and the release tarball): docs/runbooks.md#... */
  public String runbookPath() {
    return alerts.isEmpty() ? "check.md#" + id : "runbooks.md#" + alerts.get(0).toLowerCase(Locale.ROOT);
  }

  Verdict judge(Readings readings) {
    try {
      return judge.apply(readings);
    } catch (RuntimeException e) {
      // A bug in one item must not cost the others their verdicts, nor pass for a pass.
      return Verdict.unknown("cannot judge: unexpected " + e.getClass().getSimpleName() + " (a bug; please report it)");
    }
  }

}
