package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sbtc.exporter.check.Checklist;
import io.sbtc.exporter.check.Readings;
import io.sbtc.exporter.check.Scorecard;
import io.sbtc.exporter.setup.ConfigLoader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page's markup without a browser: what LandingPageBrowserTest cannot see quickly. */
class LandingPageTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void factsAreEscapedAndThePageNeedsNothingFromElsewhere() {
    String yaml = "audit:\n  files:\n    - path: \"/etc/<script>alert(1)</script>\"\n";
    Scorecard card = Checklist.evaluate(new Readings(ConfigLoader.parse("test.yml", yaml, n -> null), List.of(), new MetricSnapshots(), NOW));
    String html = LandingPage.render("1.2.3", card, List.of(), NOW);
    assertFalse(html.contains("<script"), "a path from the config is text, never markup");
    assertTrue(html.contains("audit_files: not running"), html);
    assertFalse(html.contains("src=") || html.contains("<link") || html.contains("@import") || html.contains("url("),
        "no script, stylesheet, image or font from anywhere");
    assertTrue(html.contains("<title>sbtc-signer-exporter: " + card.summary() + "</title>"));
    assertEquals("0 fail, 0 warn, 0 pass, 18 unknown, 5 manual", card.summary());
    assertEquals(Checklist.ITEMS.size(), html.split("<tr id=\"item-", -1).length - 1);
    assertTrue(html.contains("No source is configured"));
  }
}
