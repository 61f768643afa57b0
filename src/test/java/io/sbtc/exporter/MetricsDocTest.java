package io.sbtc.exporter;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** docs/metrics.md is the contract: it lists exactly the sbtc_ families a fully configured exporter emits. */
class MetricsDocTest {
  @RegisterExtension
  static WireMockExtension upstream = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** Names in the first column of the tables, e.g. | `sbtc_bitcoin_blocks` | gauge | ... */
  static Set<String> documented() throws IOException {
    Pattern row = Pattern.compile("^\\|\\s*`(sbtc_[a-z0-9_]+)`\\s*\\|", Pattern.MULTILINE);
    Matcher m = row.matcher(Files.readString(Path.of("docs/metrics.md")));
    Set<String> names = new TreeSet<>();
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Every source configured against fixtures, so every documented family has a chance to appear. */
  static String fullConfig(String base) {
    return """
        signer:
          metrics_url: "%1$s/metrics"
          info_url: "%1$s/info"
          interval: 1s
        audit:
          files:
            - path: "pom.xml"
          listeners:
            allowed_public_ports: []
            proc_net_files: ["src/test/resources/fixtures/audit/proc-net-tcp"]
        logs:
          - component: signer
            path: "src/test/resources/fixtures/logs"
            pattern: "signer-json.log"
        """.formatted(base);
  }

  static void stubAll() {
    upstream.stubFor(get("/metrics").willReturn(aResponse().withBody(Fixtures.text("signer/metrics.prom"))));
    upstream.stubFor(get("/info").willReturn(aResponse().withBody(Fixtures.text("signer/info.json"))));
  }

  @Test
  void everyEmittedFamilyIsDocumentedAndEveryDocumentedFamilyIsEmitted() throws IOException {
    stubAll();
    try (RunningExporter exporter = RunningExporter.start(fullConfig(upstream.baseUrl()))) {
      // A cold JVM can miss the first poll's 1s timeout; the next poll recovers.
      exporter.awaitReady().awaitScrape(s -> s.lines("sbtc_exporter_source_up").stream().noneMatch(l -> l.endsWith(" 0.0")),
          Duration.ofSeconds(20));
      Scrape scrape = exporter.scrape();
      Set<String> emitted = new TreeSet<>();
      emitted.addAll(scrape.namesStartingWith("sbtc_"));
      Set<String> documented = documented();
      Set<String> undocumented = new TreeSet<>(emitted);
      undocumented.removeAll(documented);
      Set<String> notEmitted = new TreeSet<>(documented);
      notEmitted.removeAll(emitted);
      assertEquals(Set.of(), undocumented, "emitted but missing from docs/metrics.md");
      assertEquals(Set.of(), notEmitted, "in docs/metrics.md but not emitted by a fully configured exporter");
    }
  }
}
