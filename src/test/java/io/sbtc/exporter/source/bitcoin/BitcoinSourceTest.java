package io.sbtc.exporter.source.bitcoin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.BasicCredentials;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bitcoin source against WireMock playing Bitcoin Core, seen through real scrapes. */
class BitcoinSourceTest {
  @RegisterExtension
  static WireMockExtension node = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String USER = "exporter";
  static final String PASSWORD = "correct-horse-4f1c";
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  /** What a user sees from a healthy v28 node (all fixtures at height 873000); tip_changed is checked apart. */
  static Map<String, Double> healthy() {
    Map<String, Double> m = new TreeMap<>();
    m.put("sbtc_bitcoin_warming_up", 0.0);
    m.put("sbtc_bitcoin_blocks", 873000.0);
    m.put("sbtc_bitcoin_headers", 873000.0);
    m.put("sbtc_bitcoin_verification_progress", 0.9999991856702514);
    m.put("sbtc_bitcoin_initial_block_download", 0.0);
    m.put("sbtc_bitcoin_size_on_disk_bytes", 703418267349.0);
    m.put("sbtc_bitcoin_pruned", 0.0);
    m.put("sbtc_bitcoin_tip_timestamp_seconds", 1732864573.0);
    m.put("sbtc_bitcoin_peers{direction=\"in\"}", 32.0);
    m.put("sbtc_bitcoin_peers{direction=\"out\"}", 10.0);
    m.put("sbtc_bitcoin_network_active", 1.0);
    m.put("sbtc_bitcoin_mempool_transactions", 143872.0);
    m.put("sbtc_bitcoin_mempool_vbytes", 61284519.0);
    m.put("sbtc_bitcoin_mempool_min_fee_sats_per_vbyte", 1.0);
    m.put("sbtc_bitcoin_min_relay_fee_sats_per_vbyte", 1.0);
    m.put("sbtc_bitcoin_txindex_enabled", 1.0);
    m.put("sbtc_bitcoin_txindex_synced", 1.0);
    m.put("sbtc_bitcoin_txindex_height", 873000.0);
    m.put("sbtc_bitcoin_uptime_seconds", 1209634.0);
    m.put("sbtc_bitcoin_warnings", 0.0);
    m.put("sbtc_bitcoin_requirements_met{unmet=\"\"}", 1.0);
    m.put("sbtc_bitcoin_info{chain=\"main\",subversion=\"/Satoshi:28.0.0/\",version=\"28.0.0\"}", 1.0);
    return m;
  }

  /** Every sbtc_bitcoin_ series except the tip-change time, which depends on the wall clock. */
  static Map<String, Double> bitcoinSeries(Scrape s) {
    Map<String, Double> m = new TreeMap<>();
    s.series().forEach((k, v) -> {
      if (k.startsWith("sbtc_bitcoin_") && !k.startsWith("sbtc_bitcoin_tip_changed_timestamp_seconds")) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** Asserts the bitcoin source's error counter: {@code count} for {@code reason}, 0 for every other reason. */
  static void assertErrors(Scrape s, String reason, double count) {
    for (String r : new String[] {"timeout", "connect", "tls", "http_status", "auth", "parse", "too_large", "other"}) {
      assertEquals(r.equals(reason) ? count : 0.0, s.get("sbtc_exporter_source_errors_total{reason=\"" + r + "\",source=\"bitcoin\"}"),
          "errors_total reason=" + r);
    }
  }

  static double up(Scrape s) {
    return s.get("sbtc_exporter_source_up{source=\"bitcoin\"}");
  }

  String passwordConfig(String interval, String timeout) throws IOException {
    Path file = dir.resolve("btc-password");
    Files.writeString(file, PASSWORD + "\n");
    return """
        bitcoin:
          rpc_url: "%s"
          rpc_user: "%s"
          rpc_password_file: "%s"
          interval: %s
          timeout: %s
        """.formatted(node.baseUrl(), USER, file, interval, timeout);
  }

  /**
   * One poll per test: the first poll runs at start, the next one an hour later. The timeout is
   * generous because a first poll in a cold JVM can take seconds.
   */
  String passwordConfig() throws IOException {
    return passwordConfig("1h", "10s");
  }

  static void stubRpc(String mainBody, String headerBody) {
    node.stubFor(post("/").withBasicAuth(USER, PASSWORD).withRequestBody(containing("\"getblockchaininfo\""))
        .willReturn(okJson(mainBody)));
    node.stubFor(post("/").withBasicAuth(USER, PASSWORD).withRequestBody(containing("\"getblockheader\""))
        .willReturn(okJson(headerBody)));
  }

  static Scrape scrapeOnce(String yaml) {
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      return exporter.awaitReady().scrape();
    }
  }

  @Test
  void healthyNodeShowsEveryMetric() throws IOException {
    stubRpc(RpcReplies.healthy(), RpcReplies.header());
    double before = System.currentTimeMillis() / 1000.0;
    Scrape s = scrapeOnce(passwordConfig());
    double after = System.currentTimeMillis() / 1000.0;

    assertEquals(healthy(), bitcoinSeries(s));
    assertEquals(1.0, up(s));
    assertErrors(s, "none", 0);
    double changed = s.get("sbtc_bitcoin_tip_changed_timestamp_seconds");
    assertTrue(changed >= before - 0.001 && changed <= after + 0.001, "tip first seen during the test, got " + changed);
    // One batch of five legacy 1.0 calls. From v23 getblockchaininfo carries the tip's time, so no
    // getblockheader follows (bitcoin/bitcoin src/rpc/blockchain.cpp, getblockchaininfo: "time").
    assertEquals(1, node.findAll(postRequestedFor(urlEqualTo("/"))).size());
    node.verify(1, postRequestedFor(urlEqualTo("/")).withBasicAuth(new BasicCredentials(USER, PASSWORD))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(matchingJsonPath("$[0].method", equalTo("getblockchaininfo")))
        .withRequestBody(matchingJsonPath("$[0].jsonrpc", equalTo("1.0")))
        .withRequestBody(matchingJsonPath("$[1].method", equalTo("getnetworkinfo")))
        .withRequestBody(matchingJsonPath("$[2].method", equalTo("getmempoolinfo")))
        .withRequestBody(matchingJsonPath("$[3].method", equalTo("uptime")))
        .withRequestBody(matchingJsonPath("$[4].method", equalTo("getindexinfo")))
        .withRequestBody(matchingJsonPath("$[4].params[0]", equalTo("txindex"))));
  }

  /**
   * Before v23 getblockchaininfo has no "time" (it was added in v23, bitcoin/bitcoin
   * doc/release-notes/release-notes-23.0.md): the tip's time comes from getblockheader of the best block.
   */
  @Test
  void nodeBeforeV23IsAskedForTheHeader() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo-v22.json", "bitcoin/getnetworkinfo.json"), RpcReplies.header());
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(1732864573.0, s.get("sbtc_bitcoin_tip_timestamp_seconds"));
    assertEquals(2, node.findAll(postRequestedFor(urlEqualTo("/"))).size());
    node.verify(1, postRequestedFor(urlEqualTo("/"))
        .withRequestBody(matchingJsonPath("$[0].method", equalTo("getblockheader")))
        .withRequestBody(matchingJsonPath("$[0].params[0]", equalTo("0000000000000000000ca5bfd2682b7c9dcf09f85e01b30e2f1b82e8aa7ae036"))));
    assertErrors(s, "none", 0);
  }

  /**
   * getindexinfo "txindex" answers {} when the node runs without -txindex and the entry with
   * synced=false while the index is being built (bitcoin/bitcoin src/rpc/node.cpp, SummaryToJSON:
   * an entry only for a running index, with "synced" and "best_block_height"). The signer does not
   * need the index (stacks-sbtc/sbtc signer/src/bitcoin/rpc.rs:440-444: its getrawtransaction calls
   * pass the block hash, rpc.rs:539-553), so neither fails the requirements.
   */
  @Test
  void transactionIndexAbsentOrSyncingIsShownButNotARequirement() throws IOException {
    stubRpc(RpcReplies.healthy().replace(RpcReplies.ok("getindexinfo", "bitcoin/getindexinfo.json"),
        RpcReplies.ok("getindexinfo", "bitcoin/getindexinfo-none.json")), RpcReplies.header());
    Map<String, Double> none = healthy();
    none.put("sbtc_bitcoin_txindex_enabled", 0.0);
    none.remove("sbtc_bitcoin_txindex_synced");
    none.remove("sbtc_bitcoin_txindex_height");
    assertEquals(none, bitcoinSeries(scrapeOnce(passwordConfig())));

    node.resetAll();
    stubRpc(RpcReplies.healthy().replace(RpcReplies.ok("getindexinfo", "bitcoin/getindexinfo.json"),
        RpcReplies.ok("getindexinfo", "bitcoin/getindexinfo-syncing.json")), RpcReplies.header());
    Map<String, Double> syncing = healthy();
    syncing.put("sbtc_bitcoin_txindex_synced", 0.0);
    syncing.put("sbtc_bitcoin_txindex_height", 412876.0);
    assertEquals(syncing, bitcoinSeries(scrapeOnce(passwordConfig())));
  }

  /** A full mempool raises mempoolminfee above minrelaytxfee; both are BTC/kvB in getmempoolinfo, sat/vB here. */
  @Test
  void fullMempoolRaisesTheMinimumFee() throws IOException {
    stubRpc(RpcReplies.healthy().replace(RpcReplies.ok("getmempoolinfo", "bitcoin/getmempoolinfo.json"),
        RpcReplies.ok("getmempoolinfo", "bitcoin/getmempoolinfo-full.json")), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.put("sbtc_bitcoin_mempool_transactions", 312448.0);
    expected.put("sbtc_bitcoin_mempool_vbytes", 118764233.0);
    expected.put("sbtc_bitcoin_mempool_min_fee_sats_per_vbyte", 4.213);
    assertEquals(expected, bitcoinSeries(scrapeOnce(passwordConfig())));
  }

  /**
   * The signer pays at most 1000 sat/vB (stacks-sbtc/sbtc signer/src/lib.rs:77, MAX_BITCOIN_FEE_RATE):
   * a node whose mempool asks more (here 0.0125 BTC/kvB = 1250 sat/vB) accepts none of its sweeps.
   */
  @Test
  void mempoolMinimumFeeAboveTheSignersMaximumFailsTheRequirements() throws IOException {
    stubRpc(RpcReplies.healthy().replace("\"mempoolminfee\":1.0E-5", "\"mempoolminfee\":0.0125"), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.put("sbtc_bitcoin_mempool_min_fee_sats_per_vbyte", 1250.0);
    expected.remove("sbtc_bitcoin_requirements_met{unmet=\"\"}");
    expected.put("sbtc_bitcoin_requirements_met{unmet=\"mempool_min_fee\"}", 0.0);
    assertEquals(expected, bitcoinSeries(scrapeOnce(passwordConfig())));
  }

  @Test
  void nodeInInitialBlockDownload() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo-ibd.json", "bitcoin/getnetworkinfo.json"), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.put("sbtc_bitcoin_blocks", 612345.0);
    expected.put("sbtc_bitcoin_verification_progress", 0.4316428109377206);
    expected.put("sbtc_bitcoin_initial_block_download", 1.0);
    expected.put("sbtc_bitcoin_size_on_disk_bytes", 287541093612.0);
    // The time of the block the node has validated up to, from getblockchaininfo.
    expected.put("sbtc_bitcoin_tip_timestamp_seconds", 1577140186.0);
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(expected, bitcoinSeries(s));
    assertEquals(1.0, up(s));
  }

  /**
   * Bitcoin Core's getblockchaininfo writes {@code "headers": -1} while it has no best header
   * (bitcoin/bitcoin src/rpc/blockchain.cpp, getblockchaininfo: {@code m_best_header ? ->nHeight : -1}).
   * That is a state, not a broken reply: the other fields of the call are kept and no error counts.
   */
  @Test
  void headersMinusOneIsAnUnknownHeightNotAParseError() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo-no-best-header.json", "bitcoin/getnetworkinfo.json"), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.remove("sbtc_bitcoin_headers");
    expected.put("sbtc_bitcoin_blocks", 0.0);
    expected.put("sbtc_bitcoin_verification_progress", 1.003e-09);
    expected.put("sbtc_bitcoin_initial_block_download", 1.0);
    expected.put("sbtc_bitcoin_size_on_disk_bytes", 293.0);
    expected.put("sbtc_bitcoin_tip_timestamp_seconds", 1231006505.0);
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(expected, bitcoinSeries(s));
    assertEquals(1.0, up(s));
    assertErrors(s, "none", 0);
  }

  @Test
  void wrongPasswordIsAnAuthErrorAndNeverShowsThePassword() throws IOException {
    node.stubFor(post("/").willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"jsonrpc\"")));
    try (RunningExporter exporter = RunningExporter.start(passwordConfig())) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, up(s));
      assertErrors(s, "auth", 1);
      assertEquals(Map.of(), bitcoinSeries(s));
      String page = exporter.get("/").body();
      assertTrue(page.contains("auth: HTTP 401 from " + node.baseUrl() + "/: bitcoind refused rpc_user and its password"), page);
      assertFalse(page.contains(PASSWORD) || s.body().contains(PASSWORD));
    }
  }

  @Test
  void rpcWarmUpIsItsOwnStateNotAnError() throws IOException {
    stubRpc(Fixtures.text("bitcoin/batch-warmup.json"), RpcReplies.header());
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(Map.of("sbtc_bitcoin_warming_up", 1.0), bitcoinSeries(s));
    assertFalse(s.has("sbtc_bitcoin_tip_changed_timestamp_seconds"));
    assertEquals(1.0, up(s));
    assertErrors(s, "none", 0);
    // Without a best block hash there is nothing to ask a header for.
    assertEquals(1, node.findAll(postRequestedFor(urlEqualTo("/"))).size());
  }

  @Test
  void oneFailingCallKeepsTheOthers() throws IOException {
    stubRpc(RpcReplies.batch(
        RpcReplies.ok("getblockchaininfo", "bitcoin/getblockchaininfo.json"),
        RpcReplies.ok("getnetworkinfo", "bitcoin/getnetworkinfo.json"),
        RpcReplies.error("getmempoolinfo", -32601, "Method not found"),
        RpcReplies.ok("uptime", "bitcoin/uptime.json"),
        RpcReplies.ok("getindexinfo", "bitcoin/getindexinfo.json")), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.remove("sbtc_bitcoin_mempool_transactions");
    expected.remove("sbtc_bitcoin_mempool_vbytes");
    expected.remove("sbtc_bitcoin_mempool_min_fee_sats_per_vbyte");
    expected.remove("sbtc_bitcoin_min_relay_fee_sats_per_vbyte");
    // Whether the mempool accepts the signer's fees is unknown, so the requirements are too.
    expected.remove("sbtc_bitcoin_requirements_met{unmet=\"\"}");
    try (RunningExporter exporter = RunningExporter.start(passwordConfig())) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(expected, bitcoinSeries(s));
      assertEquals(1.0, up(s));
      assertErrors(s, "other", 1);
    }
  }

  @Test
  void everyCallFailingIsASourceDown() throws IOException {
    stubRpc(RpcReplies.batch(
        RpcReplies.error("getblockchaininfo", -1, "Internal bug detected"),
        RpcReplies.error("getnetworkinfo", -1, "Internal bug detected"),
        RpcReplies.error("getmempoolinfo", -1, "Internal bug detected"),
        RpcReplies.error("uptime", -1, "Internal bug detected"),
        RpcReplies.error("getindexinfo", -1, "Internal bug detected")), RpcReplies.header());
    try (RunningExporter exporter = RunningExporter.start(passwordConfig())) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, up(s));
      assertErrors(s, "other", 1);
      assertEquals(Map.of(), bitcoinSeries(s));
      assertTrue(exporter.get("/").body().contains("getblockchaininfo: RPC error -1 (Internal bug detected)"));
    }
  }

  @Test
  void failingHeaderCallKeepsTheChainMetrics() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo-v22.json", "bitcoin/getnetworkinfo.json"),
        RpcReplies.batch(RpcReplies.error("getblockheader", -5, "Block not found")));
    Map<String, Double> expected = healthy();
    expected.remove("sbtc_bitcoin_tip_timestamp_seconds");
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(expected, bitcoinSeries(s));
    assertTrue(s.has("sbtc_bitcoin_tip_changed_timestamp_seconds"));
    assertErrors(s, "other", 1);
  }

  @Test
  void slowHeaderCallGivesUpBeforeThePollDoes() throws IOException {
    node.stubFor(post("/").withRequestBody(containing("\"getblockchaininfo\""))
        .willReturn(okJson(RpcReplies.main("bitcoin/getblockchaininfo-v22.json", "bitcoin/getnetworkinfo.json"))));
    node.stubFor(post("/").withRequestBody(containing("\"getblockheader\"")).willReturn(okJson(RpcReplies.header()).withFixedDelay(6000)));
    Map<String, Double> expected = healthy();
    expected.remove("sbtc_bitcoin_tip_timestamp_seconds");
    Scrape s = scrapeOnce(passwordConfig("1h", "3s"));
    assertEquals(expected, bitcoinSeries(s));
    assertEquals(1.0, up(s));
    assertErrors(s, "timeout", 1);
  }

  @Test
  void replyThatIsNotJsonIsAParseError() throws IOException {
    stubRpc("[{\"result\":{\"chain\":\"main\",\"blocks\":8730", RpcReplies.header());
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(0.0, up(s));
    assertErrors(s, "parse", 1);
    assertEquals(Map.of(), bitcoinSeries(s));
  }

  @Test
  void htmlPageWithStatus200IsAParseError() throws IOException {
    node.stubFor(post("/").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
        .withBody("<html><head><title>Welcome to nginx!</title></head><body>It works</body></html>")));
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(0.0, up(s));
    assertErrors(s, "parse", 1);
    assertEquals(Map.of(), bitcoinSeries(s));
  }

  @Test
  void fullWorkQueueIsAnHttpStatusError() throws IOException {
    node.stubFor(post("/").willReturn(aResponse().withStatus(503).withHeader("Content-Type", "text/plain")
        .withBody("Work queue depth exceeded")));
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(0.0, up(s));
    assertErrors(s, "http_status", 1);
  }

  @Test
  void hangingNodeTimesOut() throws IOException {
    node.stubFor(post("/").willReturn(okJson(RpcReplies.healthy()).withFixedDelay(3000)));
    Scrape s = scrapeOnce(passwordConfig("1h", "300ms"));
    assertEquals(0.0, up(s));
    assertErrors(s, "timeout", 1);
    assertEquals(Map.of(), bitcoinSeries(s));
  }

  @Test
  void prunedNodeFailsTheRequirements() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo-pruned.json", "bitcoin/getnetworkinfo.json"), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.put("sbtc_bitcoin_pruned", 1.0);
    expected.put("sbtc_bitcoin_size_on_disk_bytes", 10751839201.0);
    expected.remove("sbtc_bitcoin_requirements_met{unmet=\"\"}");
    expected.put("sbtc_bitcoin_requirements_met{unmet=\"pruned\"}", 0.0);
    assertEquals(expected, bitcoinSeries(scrapeOnce(passwordConfig())));
  }

  @Test
  void oldVersionFailsTheRequirements() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo.json", "bitcoin/getnetworkinfo-old.json"), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.put("sbtc_bitcoin_peers{direction=\"in\"}", 8.0);
    expected.remove("sbtc_bitcoin_requirements_met{unmet=\"\"}");
    expected.put("sbtc_bitcoin_requirements_met{unmet=\"version\"}", 0.0);
    expected.remove("sbtc_bitcoin_info{chain=\"main\",subversion=\"/Satoshi:28.0.0/\",version=\"28.0.0\"}");
    expected.put("sbtc_bitcoin_info{chain=\"main\",subversion=\"/Satoshi:24.1.0/\",version=\"24.1.0\"}", 1.0);
    assertEquals(expected, bitcoinSeries(scrapeOnce(passwordConfig())));
  }

  @Test
  void warningAsTextBeforeV28() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo-v27.json", "bitcoin/getnetworkinfo.json"), RpcReplies.header());
    Map<String, Double> expected = healthy();
    expected.put("sbtc_bitcoin_warnings", 1.0);
    expected.put("sbtc_bitcoin_verification_progress", 0.9999987402553317);
    expected.put("sbtc_bitcoin_size_on_disk_bytes", 701926554012.0);
    assertEquals(expected, bitcoinSeries(scrapeOnce(passwordConfig())));
  }

  @Test
  void missingAndNullFieldsAreAbsent() throws IOException {
    stubRpc(RpcReplies.main("bitcoin/getblockchaininfo-missing-fields.json", "bitcoin/getnetworkinfo-v0.20.json"), RpcReplies.header());
    Map<String, Double> expected = new TreeMap<>(Map.of(
        "sbtc_bitcoin_warming_up", 0.0,
        "sbtc_bitcoin_blocks", 873000.0,
        "sbtc_bitcoin_initial_block_download", 0.0,
        "sbtc_bitcoin_tip_timestamp_seconds", 1732864573.0,
        "sbtc_bitcoin_network_active", 1.0,
        "sbtc_bitcoin_mempool_transactions", 143872.0,
        "sbtc_bitcoin_mempool_vbytes", 61284519.0,
        "sbtc_bitcoin_uptime_seconds", 1209634.0,
        // getblockchaininfo sent no warnings; getnetworkinfo sent "".
        "sbtc_bitcoin_warnings", 0.0,
        // Pruning is unknown, but the version alone already fails.
        "sbtc_bitcoin_requirements_met{unmet=\"version\"}", 0.0));
    expected.put("sbtc_bitcoin_info{chain=\"main\",subversion=\"/Satoshi:0.20.1/\",version=\"0.20.1\"}", 1.0);
    expected.put("sbtc_bitcoin_mempool_min_fee_sats_per_vbyte", 1.0);
    expected.put("sbtc_bitcoin_min_relay_fee_sats_per_vbyte", 1.0);
    expected.put("sbtc_bitcoin_txindex_enabled", 1.0);
    expected.put("sbtc_bitcoin_txindex_synced", 1.0);
    expected.put("sbtc_bitcoin_txindex_height", 873000.0);
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(expected, bitcoinSeries(s));
    assertErrors(s, "none", 0);
  }

  @Test
  void fieldOfTheWrongTypeFailsOnlyItsCall() throws IOException {
    String chain = RpcReplies.ok("getblockchaininfo", "bitcoin/getblockchaininfo.json").replace("\"blocks\":873000", "\"blocks\":\"873000\"");
    stubRpc(RpcReplies.batch(chain, RpcReplies.ok("getnetworkinfo", "bitcoin/getnetworkinfo.json"),
        RpcReplies.ok("getmempoolinfo", "bitcoin/getmempoolinfo.json"), RpcReplies.ok("uptime", "bitcoin/uptime.json"),
        RpcReplies.ok("getindexinfo", "bitcoin/getindexinfo.json")),
        RpcReplies.header());
    Map<String, Double> expected = new TreeMap<>();
    healthy().forEach((k, v) -> {
      if (k.contains("peers") || k.contains("network_active") || k.contains("mempool") || k.contains("uptime")
          || k.contains("warming_up") || k.contains("warnings") || k.contains("relay_fee") || k.contains("txindex")) {
        expected.put(k, v);
      }
    });
    expected.put("sbtc_bitcoin_info{chain=\"\",subversion=\"/Satoshi:28.0.0/\",version=\"28.0.0\"}", 1.0);
    try (RunningExporter exporter = RunningExporter.start(passwordConfig())) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(expected, bitcoinSeries(s));
      assertEquals(1, node.findAll(postRequestedFor(urlEqualTo("/"))).size(), "no header asked for a tip that could not be read");
      assertErrors(s, "parse", 1);
      assertEquals(1.0, up(s));
    }
  }

  @Test
  void serverThatRefusesBatchesIsAskedOneCallAtATime() throws IOException {
    node.stubFor(post("/").withRequestBody(matchingJsonPath("$[0]")).atPriority(1).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"batch requests are not allowed\"},\"id\":null}")));
    for (String[] call : new String[][] {
        {"getblockchaininfo", "bitcoin/getblockchaininfo.json"}, {"getnetworkinfo", "bitcoin/getnetworkinfo.json"},
        {"getmempoolinfo", "bitcoin/getmempoolinfo.json"}, {"uptime", "bitcoin/uptime.json"},
        {"getindexinfo", "bitcoin/getindexinfo.json"}}) {
      node.stubFor(post("/").withBasicAuth(USER, PASSWORD).withRequestBody(matchingJsonPath("$.method", equalTo(call[0])))
          .atPriority(2).willReturn(okJson(RpcReplies.ok(call[0], call[1]) + "\n")));
    }
    Scrape s = scrapeOnce(passwordConfig());
    assertEquals(healthy(), bitcoinSeries(s));
    assertErrors(s, "none", 0);
    // The refused batch, then the five calls one by one.
    assertEquals(6, node.findAll(postRequestedFor(urlEqualTo("/"))).size());
  }

  @Test
  void signerSourceStaysUpWhileBitcoinIsBroken() throws IOException {
    node.stubFor(get("/info").willReturn(okJson(Fixtures.text("signer/info.json"))));
    node.stubFor(post("/").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>down</html>")));
    String yaml = passwordConfig() + """
        signer:
          info_url: "%s/info"
          interval: 1h
        """.formatted(node.baseUrl());
    Scrape s = scrapeOnce(yaml);
    assertEquals(0.0, up(s));
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"signer_info\"}"));
    assertEquals(957312.0, s.get("sbtc_signer_bitcoin_tip_height"));
    assertFalse(s.has("sbtc_signer_bitcoin_lag_blocks"), "no lag against a bitcoin source that is down");
  }

  @Test
  void tipChangeMovesTheChangeTimeAndAsksForTheNewHeaderOnce() throws IOException {
    String beforeV23 = RpcReplies.main("bitcoin/getblockchaininfo-v22.json", "bitcoin/getnetworkinfo.json");
    stubRpc(beforeV23, RpcReplies.header());
    try (RunningExporter exporter = RunningExporter.start(passwordConfig("300ms", "300ms"))) {
      double firstChange = exporter.awaitScrape(s -> s.has("sbtc_bitcoin_tip_timestamp_seconds"), WAIT).scrape()
          .get("sbtc_bitcoin_tip_changed_timestamp_seconds");
      int headers = rpcRequests(containing("getblockheader"));
      int polls = rpcRequests(containing("uptime"));
      exporter.awaitScrape(s -> rpcRequests(containing("uptime")) >= polls + 3, WAIT);
      assertEquals(headers, rpcRequests(containing("getblockheader")), "the header of an unchanged tip is not asked again");
      assertEquals(firstChange, exporter.scrape().get("sbtc_bitcoin_tip_changed_timestamp_seconds"), "same tip, same change time");

      String oldHash = "0000000000000000000ca5bfd2682b7c9dcf09f85e01b30e2f1b82e8aa7ae036";
      String newHash = "00000000000000000001f3c2a0d9c1b8e7a6f5e4d3c2b1a09f8e7d6c5b4a3921";
      node.resetAll();
      stubRpc(beforeV23.replace(oldHash, newHash).replace("\"blocks\":873000,\"headers\":873000", "\"blocks\":873001,\"headers\":873001"),
          RpcReplies.header().replace(oldHash, newHash).replace("\"time\":1732864573", "\"time\":1732865190"));
      exporter.awaitScrape(s -> s.value("sbtc_bitcoin_blocks").orElse(0.0) == 873001.0
          && s.value("sbtc_bitcoin_tip_timestamp_seconds").orElse(0.0) == 1732865190.0, WAIT);
      assertTrue(exporter.scrape().get("sbtc_bitcoin_tip_changed_timestamp_seconds") > firstChange);
    }
  }

  /** RPC requests whose body matches, e.g. those that asked for a header. */
  static int rpcRequests(StringValuePattern body) {
    return node.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(body)).size();
  }
}
