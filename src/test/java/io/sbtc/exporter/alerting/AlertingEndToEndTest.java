package io.sbtc.exporter.alerting;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.ChildProcess;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.WebhookReceiver;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole alerting path with real parts: WireMock as the signer, the exporter, Debian's Prometheus
 * loading the bundled rules (with `for:` shortened), Alertmanager, and a webhook. A signer that has
 * not had a peer since it started (so it has no peers_connected series at all) must page, and stop
 * paging once it has peers; a broken signer metrics endpoint must page with the right labels, and
 * resolve when it is healed.
 */
class AlertingEndToEndTest {
  static final Duration WAIT = Duration.ofSeconds(40);
  static final String INSTANCE = "signer-e2e";
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static WireMockExtension signer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir
  Path tmp;

  void healthySigner() {
    signerMetrics(Fixtures.text("signer/metrics.prom"));
    signer.stubFor(get("/info").willReturn(aResponse().withHeader("Content-Type", "application/json")
        .withBody(Fixtures.text("signer/info.json"))));
  }

  void signerMetrics(String body) {
    signer.stubFor(get("/metrics").willReturn(aResponse().withHeader("Content-Type", "text/plain").withBody(body)));
  }

  /**
   * The signer's metrics right after a start without any peer: it creates peers_connected at its
   * first peer connection and registers nothing before (stacks-sbtc/sbtc v1.3.3
   * signer/src/metrics.rs:113-121, called from signer/src/network/libp2p/bootstrap.rs:240), so the
   * family is simply not there.
   */
  static String metricsWithoutPeers() {
    String full = Fixtures.text("signer/metrics.prom");
    String without = full.replace("# TYPE peers_connected gauge\npeers_connected{app=\"signer\"} 13\n", "");
    assertNotEquals(full, without, "the fixture has the peers_connected family to take out");
    return without;
  }

  /** The bundled rules with every `for:` at 0s, so that the test does not wait minutes. */
  static String rulesWithoutFor() throws IOException {
    String rules = Files.readString(RuleFile.PATH);
    String shortened = rules.replaceAll("(?m)^(\\s+)for: \\S+$", "$1for: 0s");
    long withFor = RuleFile.load().alerts().stream().filter(a -> !a.forDuration().equals("0s")).count();
    assertEquals(withFor, shortened.split("for: 0s", -1).length - 1, "every alert's for: was shortened");
    return shortened;
  }

  @Test
  void signerWithoutPeersAndThenWithoutMetricsPagesAndResolves() throws IOException, InterruptedException {
    Path prometheusBin = ExternalTool.require("prometheus");
    Path alertmanagerBin = ExternalTool.require("prometheus-alertmanager", "alertmanager");
    healthySigner();
    signerMetrics(metricsWithoutPeers());
    String exporterConfig = """
        signer:
          metrics_url: "%1$s/metrics"
          info_url: "%1$s/info"
          interval: 1s
          timeout: 900ms
        """.formatted(signer.baseUrl());
    try (RunningExporter exporter = RunningExporter.start(exporterConfig).awaitReady();
        WebhookReceiver webhook = new WebhookReceiver()) {
      int amPort = ChildProcess.freePort();
      Files.writeString(tmp.resolve("alertmanager.yml"), """
          route:
            receiver: webhook
            group_by: [alertname, instance, source]
            group_wait: 1s
            group_interval: 1s
            repeat_interval: 1h
          receivers:
            - name: webhook
              webhook_configs:
                - url: %s
                  send_resolved: true
          """.formatted(webhook.url()));
      int promPort = ChildProcess.freePort();
      Files.writeString(tmp.resolve("rules.yml"), rulesWithoutFor());
      Files.writeString(tmp.resolve("prometheus.yml"), """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
            evaluation_interval: 1s
          rule_files: [rules.yml]
          alerting:
            alertmanagers:
              - static_configs:
                  - targets: ["127.0.0.1:%d"]
          scrape_configs:
            - job_name: sbtc-signer-exporter
              static_configs:
                - targets: ["%s"]
                  labels:
                    instance: %s
          """.formatted(amPort, exporter.uri("/").getAuthority(), INSTANCE));

      try (ChildProcess alertmanager = ChildProcess.start("alertmanager", List.of(alertmanagerBin.toString(),
              "--config.file=" + tmp.resolve("alertmanager.yml"), "--storage.path=" + tmp.resolve("am-data"),
              "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address="), tmp.resolve("alertmanager.log"));
          ChildProcess prometheus = ChildProcess.start("prometheus", List.of(prometheusBin.toString(),
              "--config.file=" + tmp.resolve("prometheus.yml"), "--storage.tsdb.path=" + tmp.resolve("prom-data"),
              "--web.listen-address=127.0.0.1:" + promPort, "--rules.alert.resend-delay=1s"), tmp.resolve("prometheus.log"))) {
        alertmanager.awaitOk(URI.create("http://127.0.0.1:" + amPort + "/-/ready"), WAIT);
        prometheus.awaitOk(URI.create("http://127.0.0.1:" + promPort + "/-/ready"), WAIT);
        Supplier<String> logs = () -> prometheus.logTail() + "\n" + alertmanager.logTail();

        // A series the signer has not created is no peers: the page comes from an absent series.
        JsonNode noPeers = webhook.await(alert("firing", "SbtcSignerNoPeers", Map.of()), WAIT, logs);
        assertEquals(Map.of("alertname", "SbtcSignerNoPeers", "severity", "critical", "job", "sbtc-signer-exporter",
            "instance", INSTANCE), labels(noPeers));
        assertTrue(noPeers.path("annotations").path("description").asText().contains("has not reported peers_connected at all"),
            noPeers.path("annotations").toString());
        signerMetrics(Fixtures.text("signer/metrics.prom"));
        webhook.await(alert("resolved", "SbtcSignerNoPeers", Map.of("instance", INSTANCE)).and(same(noPeers)), WAIT, logs);

        // Only alerts that start after the break count: a slow poll before it must not pass the test.
        Instant broken = Instant.now();
        signer.stubFor(get("/metrics").willReturn(aResponse().withStatus(500).withBody("internal error")));
        JsonNode down = webhook.await(alert("firing", "SbtcSignerMetricsDown", Map.of()).and(startedAfter(broken)), WAIT, logs);
        assertEquals(Map.of("alertname", "SbtcSignerMetricsDown", "severity", "critical", "source", "signer_metrics",
            "job", "sbtc-signer-exporter", "instance", INSTANCE), labels(down));
        assertEquals("Signer metrics endpoint behind " + INSTANCE + " is down", down.path("annotations").path("summary").asText());
        assertEquals(AlertRulesContractTest.RUNBOOK_BASE + "sbtcsignermetricsdown", down.path("annotations").path("runbook_url").asText());

        healthySigner();
        webhook.await(alert("resolved", "SbtcSignerMetricsDown", Map.of("source", "signer_metrics", "instance", INSTANCE)).and(same(down)), WAIT, logs);

        // Every rule evaluated against the real exporter's series without an error (a bad vector match or
        // a duplicate label set is only logged by Prometheus, and the rule never fires).
        JsonNode groups = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + promPort + "/api/v1/rules")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).body()).path("data").path("groups");
        List<String> unhealthy = new ArrayList<>();
        int rules = 0;
        for (JsonNode group : groups) {
          for (JsonNode rule : group.path("rules")) {
            rules++;
            if (!rule.path("health").asText().equals("ok")) {
              unhealthy.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " " + rule.path("lastError").asText());
            }
          }
        }
        assertEquals(RuleFile.load().alerts().size() + RuleFile.load().recordingRules().size(), rules);
        assertEquals(List.of(), unhealthy);
      }
    }
  }

  static Predicate<JsonNode> alert(String status, String name, Map<String, String> labels) {
    return a -> a.path("status").asText().equals(status) && a.path("labels").path("alertname").asText().equals(name)
        && labels.entrySet().stream().allMatch(e -> a.path("labels").path(e.getKey()).asText().equals(e.getValue()));
  }

  static Predicate<JsonNode> startedAfter(Instant t) {
    return a -> !Instant.parse(a.path("startsAt").asText()).isBefore(t);
  }

  /** The same alert instance: same labels (fingerprint) and the same start. */
  static Predicate<JsonNode> same(JsonNode firing) {
    return a -> a.path("fingerprint").asText().equals(firing.path("fingerprint").asText())
        && a.path("startsAt").asText().equals(firing.path("startsAt").asText());
  }

  static Map<String, String> labels(JsonNode alert) {
    Map<String, String> out = new TreeMap<>();
    alert.path("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
