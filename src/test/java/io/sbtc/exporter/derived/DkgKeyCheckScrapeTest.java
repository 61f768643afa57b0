package io.sbtc.exporter.derived;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import io.sbtc.exporter.testing.SignerPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which DKG key comparison says what, with a real signer-shaped database and the signer's /info from
 * WireMock. The signer's /info reports as current_aggregate_key the newest dkg_shares row of any
 * status (stacks-sbtc/sbtc v1.3.3 signer/src/api/info.rs:246-290, populate_dkg_info calling
 * get_latest_encrypted_dkg_shares, signer/src/storage/postgres/read.rs:1730-1757, no status filter),
 * while the signer signs with its newest verified shares (read.rs:1759-1787). In signer-data.sql the
 * newest row (03d220a7...) is unverified and the newest verified one is 03421e75...
 */
class DkgKeyCheckScrapeTest {
  @RegisterExtension
  static WireMockExtension signer = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String NEWEST_UNVERIFIED = "03d220a738ae8a90b5559678d28cbfa39b5a4b2fac52e88d27eab91374e01f996d";
  static final String VERIFIED = SignerPostgres.LATEST_VERIFIED_KEY;
  static final String LATEST = "sbtc_signer_dkg_latest_key_matches_contract";
  static final String VERIFIED_MATCHES = "sbtc_signer_dkg_verified_key_matches_contract";

  @TempDir
  static Path dir;
  static SignerPostgres pg;

  @BeforeAll
  static void start() {
    pg = SignerPostgres.start(dir.resolve("pg"));
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  /** The signer's /info as it is while the newest round is unverified, with the given contract key. */
  static void info(String contractKey) {
    String body = Fixtures.text("signer/info.json")
        .replace("\"current_aggregate_key\":\"02f7a3c1d9e84b56a20c3e7f19d4b8a6e5c2f01d3b7a9e4c6d8f2a1b3c5e7d9f0a\"",
            "\"current_aggregate_key\":\"" + NEWEST_UNVERIFIED + "\"")
        .replace("\"contract_aggregate_key\":\"02f7a3c1d9e84b56a20c3e7f19d4b8a6e5c2f01d3b7a9e4c6d8f2a1b3c5e7d9f0a\"",
            "\"contract_aggregate_key\":\"" + contractKey + "\"");
    signer.stubFor(get("/info").willReturn(aResponse().withHeader("Content-Type", "application/json").withBody(body)));
  }

  static String config(String dbUrl) {
    return """
        signer:
          info_url: "%s/info"
          interval: 1h
          timeout: 10s
        signer_db:
          url: "%s"
          password_file: "%s"
          interval: 1h
          timeout: 10s
        """.formatted(signer.baseUrl(), dbUrl, pg.exporterPasswordFile());
  }

  static Scrape scrapeOnce(String dbUrl) {
    try (RunningExporter exporter = RunningExporter.start(config(dbUrl))) {
      return exporter.awaitReady().scrape();
    }
  }

  @Test
  void aNewRoundStillBeingVerifiedDiffersFromTheContractButTheKeyInUseMatches() {
    info(VERIFIED);
    Scrape s = scrapeOnce(pg.signerUrl());
    assertEquals(0.0, s.get(LATEST), "the newest, unverified round is not the contract's key");
    assertEquals(1.0, s.get(VERIFIED_MATCHES), "the key the signer signs with is");
  }

  @Test
  void aFailedNewestRoundDoesNotMakeTheKeyInUseDiffer() {
    pg.createSignerDatabase(pg.signer, "signer_failed", true);
    pg.exec(pg.signer, "signer_failed", "UPDATE sbtc_signer.dkg_shares SET dkg_shares_status = 'failed' WHERE dkg_shares_status = 'unverified'");
    info(VERIFIED);
    Scrape s = scrapeOnce(pg.signerUrl("signer_failed"));
    assertEquals(0.0, s.get(LATEST));
    assertEquals(1.0, s.get(VERIFIED_MATCHES));
  }

  /** The contract moved on to a key this signer never verified: it cannot sign for the peg wallet. */
  @Test
  void aContractKeyTheSignerHasNotVerifiedIsAMismatch() {
    info(NEWEST_UNVERIFIED);
    Scrape s = scrapeOnce(pg.signerUrl());
    assertEquals(1.0, s.get(LATEST));
    assertEquals(0.0, s.get(VERIFIED_MATCHES));
  }

  @Test
  void withoutAReadableDatabaseThereIsNoVerifiedComparison() {
    info(VERIFIED);
    Scrape s = scrapeOnce("postgresql://sbtc_exporter@127.0.0.1:1/signer");
    assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"signer_db\"}"));
    assertEquals(0.0, s.get(LATEST));
    assertFalse(s.has(VERIFIED_MATCHES), "absent, never a guess");
  }
}
