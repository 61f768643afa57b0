package io.sbtc.exporter.http;

import io.sbtc.exporter.core.SourceView;
import java.time.Instant;
import java.util.List;

/** The small page at {@code /}: which sources are polled and how each one is doing. No secrets: messages are redacted at the source. */
final class LandingPage {
  private LandingPage() {}

  static String render(String version, List<SourceView> views, Instant now) {
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
    return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>sbtc-signer-exporter</title>
        <style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em .8em;text-align:left}
        .up{color:#1a7f37}.down{color:#cf222e}.pending{color:#9a6700}</style></head>
        <body><h1>sbtc-signer-exporter</h1>
        <p>Version %s. Metrics: <a href="metrics">/metrics</a>. Health: <a href="-/healthy">/-/healthy</a>,
        <a href="-/ready">/-/ready</a>.</p>
        <table><tr><th>Source</th><th>State</th><th>Last success</th><th>Interval</th><th>Last error</th></tr>
        %s</table></body></html>
        """.formatted(esc(version), rows);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
