package io.sbtc.exporter.http;

import io.sbtc.exporter.check.Practice;
import io.sbtc.exporter.check.Result;
import io.sbtc.exporter.check.Scorecard;
import io.sbtc.exporter.check.State;
import io.sbtc.exporter.core.SourceView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * The page at {@code /}: the best-practice checklist, live, above the sources. Plain HTML with its
 * CSS inline: no script, nothing fetched from elsewhere, readable on a phone, and every state is
 * written out, never shown by colour alone. No secrets: messages are redacted at the source.
 */
final class LandingPage {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
  /** A mark in front of each state's name, for a quick scan; screen readers skip it. */
  private static final Map<State, String> MARKS = Map.of(
      State.FAIL, "\u2717", State.WARN, "!", State.PASS, "\u2713", State.UNKNOWN, "?", State.MANUAL, "\u270e");

  private static final String STYLE = """
      body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#fff;\
      margin:0 auto;max-width:80rem;padding:1rem}
      h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.25rem;margin:1.6rem 0 .4rem}
      a{color:#0550ae}p{margin:.4rem 0}code{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.9em}
      table{border-collapse:collapse;width:100%}
      th,td{padding:.45rem .6rem;text-align:left;vertical-align:top;border-bottom:1px solid #d0d7de}
      thead th{background:#f6f8fa;font-size:.85rem}
      tr.practice th{background:#eef1f4;border-top:2px solid #afb8c1;font-size:.95rem}
      tbody th{font-weight:600}
      .id{display:block;font:400 .8rem ui-monospace,"DejaVu Sans Mono",monospace;color:#59636e}
      .badge{display:inline-block;font-weight:700;white-space:nowrap;border:1px solid;border-radius:.3rem;padding:0 .45rem}
      .fail{color:#82071e;background:#ffebe9;border-color:#cf222e}
      .warn{color:#6f4400;background:#fff8c5;border-color:#bf8700}
      .pass{color:#0a5b28;background:#dafbe1;border-color:#1a7f37}
      .unknown{color:#512a97;background:#fbefff;border-color:#8250df}
      .manual{color:#0a3069;background:#ddf4ff;border-color:#218bff}
      .hint{color:#424a53;font-size:.92rem;margin-top:.2rem}caption{text-align:left;padding:.2rem 0}
      td.up{color:#0a5b28}td.down{color:#82071e;font-weight:700}td.pending{color:#6f4400}
      @media (max-width:44rem){
      body{padding:.6rem}
      table.checklist thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
      table.checklist tr{display:block;border-bottom:1px solid #d0d7de;padding:.4rem 0}
      table.checklist td,table.checklist tbody th{display:block;border:0;padding:.1rem .2rem}
      table.checklist td[data-label]::before{content:attr(data-label) ": ";font-weight:600;color:#424a53}
      table.sources{font-size:.9rem}table.sources th,table.sources td{padding:.3rem}}
      """;

  private LandingPage() {}

  static String render(String version, Scorecard card, List<SourceView> views, Instant now) {
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>sbtc-signer-exporter: %s</title>
        <style>
        %s</style></head>
        <body><header><h1>sbtc-signer-exporter</h1>
        <p>Version %s. Metrics: <a href="metrics">/metrics</a>. Health: <a href="-/healthy">/-/healthy</a>,
        <a href="-/ready">/-/ready</a>.</p></header>
        <main>
        <h2 id="checklist">Best-practice checklist</h2>
        <p id="summary"><strong>%s</strong>, as of %s. Reload the page for the latest; the same report on the command line:
        <code>sbtc-signer-exporter check --config FILE</code>. <a href="%s">What the items mean</a>.</p>
        %s
        <h2 id="sources">Sources</h2>
        %s
        </main></body></html>
        """.formatted(esc(card.summary()), STYLE, esc(version), esc(card.summary()), WHEN.format(card.at()),
        "https://github.com/sbtc-signer-exporter/sbtc-signer-exporter/blob/main/docs/check.md", checklist(card), sources(views, now));
  }

  private static String checklist(Scorecard card) {
    StringBuilder html = new StringBuilder("""
        <table class="checklist"><caption class="hint">Each item of the list with its state, what was measured, and its runbook.</caption>
        <thead><tr><th scope="col">State</th><th scope="col">Item</th><th scope="col">Measured</th><th scope="col">Runbook</th></tr></thead>
        <tbody>
        """);
    Practice practice = null;
    for (Result r : card.results()) {
      if (r.item().practice() != practice) {
        practice = r.item().practice();
        html.append("<tr class=\"practice\"><th colspan=\"4\" scope=\"colgroup\">").append(esc(practice.title())).append("</th></tr>\n");
      }
      String state = r.state().label();
      html.append("<tr id=\"item-").append(esc(r.item().id())).append("\" data-state=\"").append(state).append("\">")
          .append("<td data-label=\"State\" class=\"state\"><span class=\"badge ").append(state).append("\"><span aria-hidden=\"true\">")
          .append(MARKS.get(r.state())).append(" </span>").append(state).append("</span></td>")
          .append("<th scope=\"row\" data-label=\"Item\">").append(esc(r.item().title()))
          .append(" <span class=\"id\">").append(esc(r.item().id())).append("</span></th>")
          .append("<td data-label=\"Measured\" class=\"fact\">").append(esc(r.verdict().fact()));
      r.verdict().hint().ifPresent(h -> html.append("<div class=\"hint\">")
          .append(r.state() == State.MANUAL ? "Ask: " : "To judge it: ").append(esc(h)).append("</div>"));
      html.append("</td><td data-label=\"Runbook\"><a href=\"").append(esc(r.item().runbookUrl())).append("\" aria-label=\"Runbook for ")
          .append(esc(r.item().title())).append("\">runbook</a></td></tr>\n");
    }
    return html.append("</tbody></table>").toString();
  }

  private static String sources(List<SourceView> views, Instant now) {
    StringBuilder rows = new StringBuilder();
    for (SourceView v : views) {
      String state = !v.state().polledOnce() ? "pending" : v.up() ? "up" : "down";
      String lastSuccess = v.state().lastSuccess().map(t -> (now.getEpochSecond() - t.getEpochSecond()) + "s ago").orElse("never");
      String error = v.state().lastError().filter(e -> !v.state().lastPollOk())
          .map(e -> e.reason().label() + ": " + e.getMessage()).orElse("");
      rows.append("<tr><td>").append(esc(v.name())).append("</td><td class=\"").append(state).append("\">").append(state)
          .append("</td><td>").append(lastSuccess)
          .append("</td><td>").append(v.interval().toMillis() / 1000.0).append("s")
          .append("</td><td>").append(esc(error)).append("</td></tr>\n");
    }
    if (views.isEmpty()) {
      rows.append("<tr><td colspan=\"5\">No source is configured: add a section to the config file.</td></tr>\n");
    }
    return "<table class=\"sources\"><thead><tr><th scope=\"col\">Source</th><th scope=\"col\">State</th><th scope=\"col\">Last success</th>"
        + "<th scope=\"col\">Interval</th><th scope=\"col\">Last error</th></tr></thead>\n<tbody>" + rows + "</tbody></table>";
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
