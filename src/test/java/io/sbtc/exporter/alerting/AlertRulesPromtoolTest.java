package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rule file and its unit tests, run through the real promtool. */
class AlertRulesPromtoolTest {
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final String THRESHOLDS_GROUP = "sbtc-signer-thresholds";
  static final Path THRESHOLDS_MISSING_TEST = Path.of("src/test/resources/alerting/thresholds-missing.test.yml");

  static Stream<Path> testFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("alerts/tests"))) {
      List<Path> list = files.filter(p -> p.toString().endsWith(".test.yml")).sorted().toList();
      assertFalse(list.isEmpty(), "no alerts/tests/*.test.yml");
      return list.stream();
    }
  }

  @Test
  void checkRulesPassesWithoutWarnings() {
    Path promtool = ExternalTool.require("promtool");
    Result r = ExternalTool.run(List.of(promtool.toString(), "check", "rules", "--lint=all", RuleFile.PATH.toString()), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
    int rules = RuleFile.load().alerts().size() + RuleFile.load().recordingRules().size();
    // Exactly these two lines: any lint finding or warning would be an extra line.
    assertEquals("Checking " + RuleFile.PATH + "\n  SUCCESS: " + rules + " rules found\n\n", r.output());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("testFiles")
  void promtoolTestRulesPasses(Path testFile) {
    Path promtool = ExternalTool.require("promtool");
    Result r = ExternalTool.run(List.of(promtool.toString(), "test", "rules", testFile.toString()), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
  }

  /** The guard's firing case needs the rules without their thresholds group, which only a copy can be. */
  @Test
  void theThresholdsGuardFiresWhenTheThresholdsAreNotLoaded(@TempDir Path tmp) throws IOException {
    Path promtool = ExternalTool.require("promtool");
    Files.writeString(tmp.resolve("rules-without-thresholds.yml"), RuleFile.withoutGroup(THRESHOLDS_GROUP));
    Path test = Files.copy(THRESHOLDS_MISSING_TEST, tmp.resolve(THRESHOLDS_MISSING_TEST.getFileName()));
    Result r = ExternalTool.run(List.of(promtool.toString(), "test", "rules", test.toString()), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
  }

  /** The relay prefix recipe in docs/alerts.md, run on copies: the renamed rules must pass the renamed tests. */
  @Test
  void theRelayPrefixRecipeKeepsTheRulesWorking(@TempDir Path tmp) throws IOException {
    Path promtool = ExternalTool.require("promtool");
    Path sed = ExternalTool.require("sed");
    Path alerts = Files.createDirectories(tmp.resolve("alerts/tests"));
    Path rules = Files.copy(RuleFile.PATH, tmp.resolve("alerts/sbtc-signer.rules.yml"));
    // alerts/tests/overrides.test.yml loads the example overrides next to the rules.
    Files.createDirectories(tmp.resolve("examples"));
    Files.copy(AlertLinksTest.OVERRIDES, tmp.resolve(AlertLinksTest.OVERRIDES));
    List<Path> tests = new ArrayList<>();
    for (Path t : testFiles().toList()) {
      tests.add(Files.copy(t, alerts.resolve(t.getFileName())));
    }
    List<String> command = new ArrayList<>(List.of(sed.toString(), "-E", "-i", AlertRulesContractTest.relayPrefixSedScript(), rules.toString()));
    tests.forEach(t -> command.add(t.toString()));
    Result renamed = ExternalTool.run(command, TIMEOUT);
    assertEquals(0, renamed.exitCode(), renamed.output());

    Set<String> left = new TreeSet<>();
    RuleFile.load(rules).alerts().forEach(a -> PromQlNames.metricNames(a.expr()).stream().filter(KnownMetrics::isRelayed).forEach(left::add));
    assertEquals(Set.of(), left, "relayed names the recipe did not prefix");
    assertTrue(Files.readString(rules).contains("signer_relay_peers_connected{app=\"signer\"}"), "the recipe prefixes names");
    for (Path t : tests) {
      Result r = ExternalTool.run(List.of(promtool.toString(), "test", "rules", t.toString()), TIMEOUT);
      assertEquals(0, r.exitCode(), t.getFileName() + " after the rename:\n" + r.output());
    }
  }
}
