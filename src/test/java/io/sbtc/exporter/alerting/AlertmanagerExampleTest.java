package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.testing.ChildProcess;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.WebhookReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/alertmanager.yml in a real Alertmanager: the routes and inhibit rules as written, the
 * receivers swapped for local webhooks (nothing leaves the machine). One page per cause: the alerts a
 * cause explains are held back for that signer only, and the heartbeat reaches only the heartbeat.
 */
class AlertmanagerExampleTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path tmp;

  @Test
  void inhibitRulesHoldBackOnlyWhatTheirCauseExplainsAndTheHeartbeatGoesToItsOwnReceiver() throws Exception {
    Path alertmanagerBin = ExternalTool.require("prometheus-alertmanager", "alertmanager");
    try (WebhookReceiver pager = new WebhookReceiver(); WebhookReceiver tickets = new WebhookReceiver();
        WebhookReceiver heartbeat = new WebhookReceiver()) {
      Path config = exampleWithLocalReceivers(Map.of("pager", pager.url(), "tickets", tickets.url(), "heartbeat", heartbeat.url()));
      int port = ChildProcess.freePort();
      try (ChildProcess am = ChildProcess.start("alertmanager", List.of(alertmanagerBin.toString(), "--config.file=" + config,
          "--storage.path=" + tmp.resolve("am-data"), "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address="),
          tmp.resolve("alertmanager.log"))) {
        URI base = URI.create("http://127.0.0.1:" + port);
        am.awaitOk(base.resolve("/-/ready"), WAIT);
        Supplier<String> logs = am::logTail;

        post(base, List.of(
            // The exporter is down: everything else about signer-1 is held back, nothing about signer-2.
            alert("SbtcExporterDown", "critical", "signer-1", Map.of()),
            alert("SbtcSignerNoPeers", "critical", "signer-1", Map.of()),
            alert("SbtcSourceDown", "warning", "signer-1", Map.of("source", "bitcoin")),
            alert("SbtcSignerNoPeers", "critical", "signer-2", Map.of()),
            // A Stacks network stall explains the signer seeing no Stacks block, not no Bitcoin block.
            alert("SbtcStacksTipStale", "critical", "signer-3", Map.of()),
            alert("SbtcSignerNoBlocksObserved", "critical", "signer-3", Map.of("blockchain", "stacks")),
            alert("SbtcSignerNoBlocksObserved", "critical", "signer-3", Map.of("blockchain", "bitcoin")),
            // A Bitcoin node not synced explains the signer's Bitcoin lag.
            alert("SbtcBitcoinNotSynced", "critical", "signer-4", Map.of()),
            alert("SbtcSignerBitcoinLag", "critical", "signer-4", Map.of()),
            // A dead Bitcoin node explains a hanging /info and no Bitcoin blocks.
            alert("SbtcBitcoinNodeUnreachable", "critical", "signer-5", Map.of("source", "bitcoin")),
            alert("SbtcSignerInfoDown", "critical", "signer-5", Map.of("source", "signer_info")),
            alert("SbtcSignerNoBlocksObserved", "critical", "signer-5", Map.of("blockchain", "bitcoin")),
            // The heartbeat has no signer: nothing holds it back.
            alert("SbtcWatchdog", "none", null, Map.of())));

        Map<String, String> expected = new TreeMap<>();
        expected.put("SbtcExporterDown signer-1", "active");
        expected.put("SbtcSignerNoPeers signer-1", "suppressed");
        expected.put("SbtcSourceDown signer-1 bitcoin", "suppressed");
        expected.put("SbtcSignerNoPeers signer-2", "active");
        expected.put("SbtcStacksTipStale signer-3", "active");
        expected.put("SbtcSignerNoBlocksObserved signer-3 stacks", "suppressed");
        expected.put("SbtcSignerNoBlocksObserved signer-3 bitcoin", "active");
        expected.put("SbtcBitcoinNotSynced signer-4", "active");
        expected.put("SbtcSignerBitcoinLag signer-4", "suppressed");
        expected.put("SbtcBitcoinNodeUnreachable signer-5 bitcoin", "active");
        expected.put("SbtcSignerInfoDown signer-5 signer_info", "suppressed");
        expected.put("SbtcSignerNoBlocksObserved signer-5 bitcoin", "suppressed");
        expected.put("SbtcWatchdog", "active");
        // Alertmanager works out inhibitions as alerts arrive: wait until it has settled on these.
        Await.until("Alertmanager's alert states settled on the inhibitions", WAIT, () -> states(base), expected::equals, logs::get);

        // group_wait 0s for the heartbeat: it arrives at once, and only at the heartbeat receiver.
        heartbeat.await(a -> a.path("labels").path("alertname").asText().equals("SbtcWatchdog"), WAIT, logs);
        assertEquals(List.of("firing {\"alertname\":\"SbtcWatchdog\",\"severity\":\"none\"}"), heartbeat.received());
        assertTrue(pager.received().stream().noneMatch(a -> a.contains("SbtcWatchdog")), pager.received().toString());
        assertTrue(tickets.received().stream().noneMatch(a -> a.contains("SbtcWatchdog")), tickets.received().toString());
      }
    }
  }

  /** The example with every receiver replaced by a webhook of the same name; routes and inhibit rules untouched. */
  Path exampleWithLocalReceivers(Map<String, URI> urls) throws IOException {
    ObjectNode config = (ObjectNode) RuleFile.read(ExamplesTest.ALERTMANAGER);
    List<String> names = new ArrayList<>();
    config.path("receivers").forEach(r -> names.add(r.path("name").asText()));
    assertEquals(new java.util.TreeSet<>(urls.keySet()), new java.util.TreeSet<>(names), "the example's receivers");
    ArrayNode receivers = config.putArray("receivers");
    for (String name : names) {
      ObjectNode r = receivers.addObject().put("name", name);
      r.putArray("webhook_configs").addObject().put("url", urls.get(name).toString()).put("send_resolved", true);
    }
    Files.copy(ExamplesTest.TEMPLATES, tmp.resolve(ExamplesTest.TEMPLATES.getFileName()));
    return Files.writeString(tmp.resolve("alertmanager.yml"), RuleFile.YAML.writeValueAsString(config));
  }

  static ObjectNode alert(String name, String severity, String instance, Map<String, String> more) {
    ObjectNode a = JSON.createObjectNode();
    ObjectNode labels = a.putObject("labels").put("alertname", name).put("severity", severity);
    if (instance != null) {
      labels.put("job", "sbtc-signer-exporter").put("instance", instance);
    }
    more.forEach(labels::put);
    a.putObject("annotations").put("summary", name + " on " + instance).put("description", "test")
        .put("runbook_url", AlertRulesContractTest.RUNBOOK_BASE + name.toLowerCase(java.util.Locale.ROOT));
    a.put("startsAt", Instant.now().toString());
    a.put("endsAt", Instant.now().plus(Duration.ofHours(1)).toString());
    return a;
  }

  static void post(URI base, List<ObjectNode> alerts) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v2/alerts")).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(alerts))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  /** Each alert ("name instance extra-label") with its state: active, or suppressed by an inhibition. */
  static Map<String, String> states(URI base) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v2/alerts")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    Map<String, String> out = new TreeMap<>();
    for (JsonNode a : JSON.readTree(r.body())) {
      JsonNode l = a.path("labels");
      StringBuilder key = new StringBuilder(l.path("alertname").asText());
      for (String extra : List.of("instance", "source", "blockchain")) {
        if (l.has(extra)) {
          key.append(' ').append(l.path(extra).asText());
        }
      }
      String state = a.path("status").path("state").asText();
      if (state.equals("suppressed") && a.path("status").path("inhibitedBy").isEmpty()) {
        state = "suppressed without an inhibition";
      }
      out.put(key.toString(), state);
    }
    return out;
  }
}
