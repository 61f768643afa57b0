package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * deploy/kubernetes/prometheusrule.yaml holds exactly the groups of alerts/sbtc-signer.rules.yml.
 * With -Dsbtc.regenerate=true it is written anew first.
 */
class PrometheusRuleTest {

  @Test
  void committedPrometheusRuleMatchesTheRuleFile() throws IOException {
    if (Boolean.getBoolean("sbtc.regenerate")) {
      PrometheusRuleGenerator.write();
    }
    String rules = Files.readString(PrometheusRuleGenerator.RULES);
    JsonNode expected = Yaml.parse(PrometheusRuleGenerator.generate(rules));
    assertTrue(Files.exists(PrometheusRuleGenerator.OUTPUT), PrometheusRuleGenerator.OUTPUT + " is missing; create it with: "
        + PrometheusRuleGenerator.REGENERATE);
    String committedText = Files.readString(PrometheusRuleGenerator.OUTPUT);
    JsonNode committed = Yaml.parse(committedText);
    Yaml.firstDifference("", expected, committed).ifPresent(where -> fail(PrometheusRuleGenerator.OUTPUT + " differs from "
        + PrometheusRuleGenerator.RULES + " (at " + where + "); regenerate it with: " + PrometheusRuleGenerator.REGENERATE));
    assertTrue(committedText.startsWith("# GENERATED from alerts/sbtc-signer.rules.yml"), "the header says it is generated");
    assertTrue(committedText.contains(PrometheusRuleGenerator.REGENERATE), "the header says how to regenerate");
  }

  @Test
  void generatedResourceIsAPrometheusRuleWithTheRuleFilesGroups() throws IOException {
    JsonNode rules = Yaml.parse(Files.readString(PrometheusRuleGenerator.RULES));
    JsonNode resource = Yaml.parse(PrometheusRuleGenerator.generate(Files.readString(PrometheusRuleGenerator.RULES)));
    assertEquals("monitoring.coreos.com/v1", resource.path("apiVersion").asText());
    assertEquals("PrometheusRule", resource.path("kind").asText());
    assertEquals("sbtc-signer", resource.path("metadata").path("namespace").asText());
    assertFalse(rules.path("groups").isEmpty());
    assertEquals(rules.path("groups"), resource.path("spec").path("groups"));
    assertEquals(4, resource.size(), "apiVersion, kind, metadata and spec only: " + resource.fieldNames());
  }

  /** The check must be able to fail: a changed threshold is a drift. */
  @Test
  void aChangedRuleIsADrift() throws IOException {
    String rules = Files.readString(PrometheusRuleGenerator.RULES);
    String changed = rules.replace("(sbtc_exporter_build_info) * 3\n", "(sbtc_exporter_build_info) * 4\n");
    assertFalse(rules.equals(changed));
    assertFalse(Yaml.parse(PrometheusRuleGenerator.generate(rules)).equals(Yaml.parse(PrometheusRuleGenerator.generate(changed))));
  }

  @Test
  void aRuleFileWithoutGroupsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> PrometheusRuleGenerator.generate("# nothing\nrules: []\n"));
  }
}
