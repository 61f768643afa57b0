package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.ExternalTool.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rule file and its unit tests, run through the real promtool. */
class AlertRulesPromtoolTest {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

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
}
