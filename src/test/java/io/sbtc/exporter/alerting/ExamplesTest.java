package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Map;
import java.util.TreeMap;
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

  /** As shipped: the rule path resolves against the file's own directory, to the bundled rules. */
  @Test
  void prometheusExampleIsValidAsShippedAndLoadsTheRules() {
    Path promtool = ExternalTool.require("promtool");
    Path example = Path.of("examples/prometheus.yml");
    Result r = ExternalTool.run(List.of(promtool.toString(), "check", "config", example.toString()), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("Checking alerts/sbtc-signer.rules.yml\n  SUCCESS: "), "the bundled rules were checked: " + r.output());
    assertEquals(JOB, RuleFile.read(example).path("scrape_configs").path(0).path("job_name").asText());
  }

  @Test
  void thresholdOverridesExampleIsValidAndOverridesOnlyThresholdsThatExist() {
    Path promtool = ExternalTool.require("promtool");
    Result r = ExternalTool.run(List.of(promtool.toString(), "check", "rules", "--lint=all", AlertLinksTest.OVERRIDES.toString()), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
    Set<String> thresholds = RuleFile.load().recordingRules().keySet();
    Map<String, String> overrides = RuleFile.load(AlertLinksTest.OVERRIDES).recordingRules();
    assertFalse(overrides.isEmpty());
    overrides.forEach((name, expr) -> {
      assertTrue(thresholds.contains(name.replace("sbtc_threshold_override:", "sbtc_threshold:")), name + " overrides no bundled threshold");
      assertTrue(expr.startsWith("group by (job, instance) (sbtc_exporter_build_info"), name + ": built from the exporters' build_info: " + expr);
    });
  }

  static final Path ALERTMANAGER = Path.of("examples/alertmanager.yml");
  static final Path TEMPLATES = Path.of("examples/sbtc-signer.tmpl");
  static final Pattern URL_FILE = Pattern.compile("url_file: (\\S+)");

  /**
   * examples/alertmanager.yml and its template file, copied to {@code dir} for the local amtool.
   * Debian 12's amtool is 0.25, older than the webhook's url_file (Alertmanager 0.26): for it the
   * copy names the heartbeat URL itself; every other key is checked as written.
   */
  static Path alertmanagerConfigFor(Path amtool, Path dir) throws IOException {
    String config = Files.readString(ALERTMANAGER);
    Matcher version = Pattern.compile("version (\\d+)\\.(\\d+)").matcher(ExternalTool.run(List.of(amtool.toString(), "--version"), TIMEOUT).output());
    assertTrue(version.find(), "amtool --version");
    if (Integer.parseInt(version.group(1)) == 0 && Integer.parseInt(version.group(2)) < 26) {
      config = URL_FILE.matcher(config).replaceAll("url: https://heartbeat.invalid/ping");
    }
    Files.copy(TEMPLATES, dir.resolve(TEMPLATES.getFileName()));
    return Files.writeString(dir.resolve("alertmanager.yml"), config);
  }

  @Test
  void alertmanagerExampleIsValid(@TempDir Path tmp) throws IOException {
    Path amtool = ExternalTool.require("amtool");
    Result r = ExternalTool.run(List.of(amtool.toString(), "check-config", alertmanagerConfigFor(amtool, tmp).toString()), TIMEOUT);
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("1 templates"), "the template file is found next to the config: " + r.output());
    assertTrue(Files.readString(ALERTMANAGER).contains("url_file: /etc/alertmanager/secrets/heartbeat-url"), "no URL in the example");
  }

  /** The heartbeat goes to the dead man's switch only; critical pages; the rest opens tickets. */
  @Test
  void alertmanagerExampleRoutesTheWatchdogToTheHeartbeatAndPagesOnlyCritical(@TempDir Path tmp) throws IOException {
    Path amtool = ExternalTool.require("amtool");
    Path config = alertmanagerConfigFor(amtool, tmp);
    for (List<String> c : List.of(
        List.of("heartbeat", "alertname=SbtcWatchdog", "severity=none"),
        List.of("pager", "alertname=SbtcSignerNoPeers", "severity=critical", "job=sbtc-signer-exporter", "instance=signer-1"),
        List.of("tickets", "alertname=SbtcBackupTooOld", "severity=warning", "job=sbtc-signer-exporter", "instance=signer-1"))) {
      List<String> command = new ArrayList<>(List.of(amtool.toString(), "config", "routes", "test", "--config.file=" + config));
      command.addAll(c.subList(1, c.size()));
      Result r = ExternalTool.run(command, TIMEOUT);
      assertEquals(0, r.exitCode(), r.output());
      // The receiver is the last line; amtool may warn on stderr before it.
      List<String> lines = r.output().strip().lines().toList();
      assertEquals(c.get(0), lines.get(lines.size() - 1), String.join(" ", c.subList(1, c.size())) + ": " + r.output());
    }
  }

  /**
   * Two alerts of one group that differ in a label (two public ports of one signer). Their common
   * annotations are empty, which is what the example's templates rendered before they listed the alerts.
   */
  @Test
  void alertmanagerTemplatesShowEveryAlertOfAGroupWhoseLabelsDiffer(@TempDir Path tmp) throws IOException {
    Path amtool = ExternalTool.require("amtool");
    Path data = Files.writeString(tmp.resolve("data.json"), """
        {"receiver": "tickets", "status": "firing", "externalURL": "http://127.0.0.1:9093",
         "groupLabels": {"alertname": "SbtcAuditPublicListener", "job": "sbtc-signer-exporter", "instance": "signer-1"},
         "commonLabels": {"alertname": "SbtcAuditPublicListener", "job": "sbtc-signer-exporter", "instance": "signer-1", "severity": "warning"},
         "commonAnnotations": {"runbook_url": "https://example.invalid/runbooks.md#sbtcauditpubliclistener"},
         "alerts": [%s, %s]}
        """.formatted(listener("8333"), listener("20444")));
    Map<String, String> rendered = new TreeMap<>();
    for (String t : List.of("title", "summary", "text", "runbook", "dashboard")) {
      Result r = ExternalTool.run(List.of(amtool.toString(), "template", "render", "--template.glob=" + TEMPLATES,
          "--template.text={{ template \"sbtc." + t + "\" . }}", "--template.data=" + data), TIMEOUT);
      assertEquals(0, r.exitCode(), r.output());
      rendered.put(t, r.output().strip());
    }
    assertEquals("[FIRING:2] SbtcAuditPublicListener on signer-1", rendered.get("title"));
    assertEquals("[FIRING:2] SbtcAuditPublicListener on signer-1: Port 8333 on signer-1 listens on a public address; "
        + "Port 20444 on signer-1 listens on a public address", rendered.get("summary"));
    assertEquals("""
        • Port 8333 on signer-1 listens on a public address
        TCP port 8333 listens on 0.0.0.0, which is not loopback.
        • Port 20444 on signer-1 listens on a public address
        TCP port 20444 listens on 0.0.0.0, which is not loopback.""", rendered.get("text"));
    assertEquals("https://example.invalid/runbooks.md#sbtcauditpubliclistener", rendered.get("runbook"));
    assertEquals("https://grafana.invalid/d/sbtc-signer-overview?var-job=sbtc-signer-exporter&var-instance=signer-1", rendered.get("dashboard"));
    Result old = ExternalTool.run(List.of(amtool.toString(), "template", "render", "--template.glob=" + TEMPLATES,
        "--template.text={{ .CommonAnnotations.summary }}{{ .CommonAnnotations.description }}", "--template.data=" + data), TIMEOUT);
    assertEquals("", old.output().strip(), "common annotations say nothing about such a group");
  }

  private static String listener(String port) {
    return """
        {"status": "firing", "startsAt": "2026-07-22T09:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
         "generatorURL": "http://127.0.0.1:9090/graph", "fingerprint": "%1$s",
         "labels": {"alertname": "SbtcAuditPublicListener", "job": "sbtc-signer-exporter", "instance": "signer-1",
                    "severity": "warning", "address": "0.0.0.0", "port": "%1$s"},
         "annotations": {"summary": "Port %1$s on signer-1 listens on a public address",
                         "description": "TCP port %1$s listens on 0.0.0.0, which is not loopback.",
                         "dashboard_url": "https://grafana.invalid/d/sbtc-signer-overview?var-job=sbtc-signer-exporter&var-instance=signer-1",
                         "runbook_url": "https://example.invalid/runbooks.md#sbtcauditpubliclistener"}}
        """.formatted(port);
  }

  /** An inhibition or a route naming an alert that does not exist silently does nothing. */
  @Test
  void alertmanagerExampleNamesOnlyAlertsThatExist() {
    Set<String> alerts = new TreeSet<>();
    RuleFile.load().alerts().forEach(a -> alerts.add(a.name()));
    Pattern matcher = Pattern.compile("^alertname(=|=~|!~)\"([^\"]+)\"$");
    List<String> unknown = new ArrayList<>();
    List<JsonNode> lists = new ArrayList<>();
    JsonNode config = RuleFile.read(ALERTMANAGER);
    for (JsonNode rule : config.path("inhibit_rules")) {
      lists.add(rule.path("source_matchers"));
      lists.add(rule.path("target_matchers"));
    }
    config.path("route").path("routes").forEach(r -> lists.add(r.path("matchers")));
    int seen = 0;
    for (JsonNode list : lists) {
      for (JsonNode m : list) {
        Matcher name = matcher.matcher(m.asText());
        if (name.matches() && !name.group(2).contains(".")) {
          for (String n : name.group(2).split("\\|")) {
            seen++;
            if (!alerts.contains(n)) {
              unknown.add(n);
            }
          }
        }
      }
    }
    assertTrue(seen > 20, "names checked: " + seen);
    assertEquals(List.of(), unknown);
  }

  @Test
  void alloyExampleScrapesUnderTheJobTheRulesSelectAndRemoteWrites() throws IOException {
    String alloy = Files.readString(Path.of("examples/alloy.river"));
    assertTrue(alloy.contains("job_name        = \"" + JOB + "\""), alloy);
    assertTrue(alloy.contains("prometheus.remote_write \"central\""));
    assertTrue(alloy.contains("forward_to      = [prometheus.remote_write.central.receiver]"));
    assertTrue(RuleFile.load().alerts().stream().anyMatch(a -> a.expr().contains("up{job=\"" + JOB + "\"}")));
    // The rules join on (job, instance) only: two operators' "signer-1" in one tenant would make those
    // joins many-to-many and silence both, so the example's instance name carries the operator.
    assertTrue(alloy.contains("\"instance\"    = sys.env(\"SBTC_OPERATOR\") + \"/\" + sys.env(\"SBTC_SIGNER_NAME\")"), alloy);
  }
}
