package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.ExternalTool.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/prometheus.yml, alertmanager.yml and alloy.river: valid for the real tools, and in step with the rules. */
class ExamplesTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String JOB = "sbtc-signer-exporter";

  @Test
  void prometheusExampleIsValidAndLoadsTheRules(@TempDir Path tmp) throws IOException {
    Path promtool = ExternalTool.require("promtool");
    String config = Files.readString(Path.of("examples/prometheus.yml"));
    assertTrue(config.contains("/etc/prometheus/rules/sbtc-signer.rules.yml"));
    Path copy = tmp.resolve("prometheus.yml");
    Files.writeString(copy, config.replace("/etc/prometheus/rules/sbtc-signer.rules.yml", RuleFile.PATH.toAbsolutePath().toString()));
    Result r = ExternalTool.run(List.of(promtool.toString(), "check", "config", copy.toString()), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
    assertEquals(JOB, RuleFile.read(copy).path("scrape_configs").path(0).path("job_name").asText());
  }

  @Test
  void alertmanagerExampleIsValid() {
    Path amtool = ExternalTool.require("amtool");
    Result r = ExternalTool.run(List.of(amtool.toString(), "check-config", "examples/alertmanager.yml"), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
  }

  /** An inhibition naming an alert that does not exist silently does nothing. */
  @Test
  void alertmanagerExampleNamesOnlyAlertsThatExist() {
    Set<String> alerts = new TreeSet<>();
    RuleFile.load().alerts().forEach(a -> alerts.add(a.name()));
    Pattern matcher = Pattern.compile("^alertname=~?\"([^\"]+)\"$");
    List<String> unknown = new ArrayList<>();
    int seen = 0;
    for (JsonNode rule : RuleFile.read(Path.of("examples/alertmanager.yml")).path("inhibit_rules")) {
      for (String side : List.of("source_matchers", "target_matchers")) {
        for (JsonNode m : rule.path(side)) {
          Matcher name = matcher.matcher(m.asText());
          if (name.matches()) {
            for (String n : name.group(1).split("\\|")) {
              seen++;
              if (!alerts.contains(n)) {
                unknown.add(n);
              }
            }
          }
        }
      }
    }
    assertTrue(seen > 0);
    assertEquals(List.of(), unknown);
  }

  @Test
  void alloyExampleScrapesUnderTheJobTheRulesSelectAndRemoteWrites() throws IOException {
    String alloy = Files.readString(Path.of("examples/alloy.river"));
    assertTrue(alloy.contains("job_name        = \"" + JOB + "\""), alloy);
    assertTrue(alloy.contains("prometheus.remote_write \"central\""));
    assertTrue(alloy.contains("forward_to      = [prometheus.remote_write.central.receiver]"));
    assertTrue(RuleFile.load().alerts().stream().anyMatch(a -> a.expr().contains("up{job=\"" + JOB + "\"}")));
  }
}
