package io.sbtc.exporter.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.ExporterVerticle;
import io.sbtc.exporter.config.ListenAddress;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.setup.Overrides;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.testing.Scrape;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --demo} serves node upstreams the real sources accept, with tips that agree with the demo signer. */
@Timeout(60) // The demo upstreams and one poll of each source.
class DemoNodesTest {

  @Test
  void demoNodesAreUpAndConsistentWithTheDemoSigner() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ExporterConfig config = DemoUpstreams.start(vertx).await(10, TimeUnit.SECONDS)
          .with(Overrides.listenAddress(ListenAddress.parse("127.0.0.1:0").orElseThrow()));
      ExporterVerticle exporter = new ExporterVerticle(config, Clock.systemUTC());
      vertx.deployVerticle(exporter).await(10, TimeUnit.SECONDS);
      Scrape s = awaitAllUp(exporter);

      assertEquals(0.0, s.get("sbtc_bitcoin_warming_up"));
      assertEquals(1.0, s.get("sbtc_bitcoin_requirements_met{unmet=\"\"}"));
      // The two sources poll moments apart, so a new block can fall between them.
      assertTrue(Math.abs(s.get("sbtc_signer_bitcoin_lag_blocks")) <= 1, s.lines("sbtc_signer_bitcoin_lag_blocks").toString());
      double burnLag = s.get("sbtc_stacks_burn_block_lag_blocks");
      assertTrue(burnLag >= 0 && burnLag <= 1, "the demo Stacks node sees a new Bitcoin block seconds late, got " + burnLag);
      double stacksLag = s.get("sbtc_signer_stacks_lag_blocks");
      assertTrue(stacksLag >= 0 && stacksLag <= 121, "the signer's Stacks tip moves once per Bitcoin block, got " + stacksLag);
      assertEquals(s.get("sbtc_stacks_reward_cycle"), Math.floor((s.get("sbtc_stacks_burn_block_height") - 666_050) / 2_100));
      assertTrue(s.has("sbtc_bitcoin_info{chain=\"main\",subversion=\"/Satoshi:28.1.0/\",version=\"28.1.0\"}"));
      assertEquals(1.0, s.get("sbtc_stacks_fully_synced"));
      // A timeout is the machine (a cold JVM on a busy host, 2 s timeouts); any other error is the demo serving a bad answer.
      assertEquals(0.0, s.series().entrySet().stream()
          .filter(e -> e.getKey().startsWith("sbtc_exporter_source_errors_total") && !e.getKey().contains("reason=\"timeout\""))
          .mapToDouble(e -> e.getValue()).sum(), s.lines("sbtc_exporter_source_errors_total").toString());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static Scrape awaitAllUp(ExporterVerticle exporter) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build();
    return Await.until("every demo source up with every part of its poll", Duration.ofSeconds(20),
        () -> Scrape.of(http.send(request, HttpResponse.BodyHandlers.ofString()).body()),
        s -> exporter.isReady() && s.has("sbtc_stacks_burn_block_lag_blocks") && s.has("sbtc_stacks_reward_cycle")
            && s.has("sbtc_signer_stacks_lag_blocks") && s.has("sbtc_signer_bitcoin_lag_blocks")
            && s.series().entrySet().stream().filter(e -> e.getKey().startsWith("sbtc_exporter_source_up{")).allMatch(e -> e.getValue() == 1.0),
        () -> "");
  }
}
