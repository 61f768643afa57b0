package io.sbtc.exporter.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import io.sbtc.exporter.testing.SignerPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sBTC pipeline metrics against a real PostgreSQL server holding signer-shaped tables with known
 * rows (fixtures/postgres/signer-data.sql says which request is pending and why), read as the
 * exporter's least-privileged user with the grants of docs/database.md.
 */
class PegQueriesTest {
  @TempDir
  static Path dir;
  static SignerPostgres pg;

  /** Signer i of the fixture's set: 02 or 03, then sha256("signer:" + i). */
  static String signerKey(int i) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(("signer:" + i).getBytes(StandardCharsets.UTF_8));
      return (i % 2 == 0 ? "02" : "03") + HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

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

  static Scrape scrape(String database, String extra) {
    String yaml = """
        signer_db:
          url: "%s"
          password_file: "%s"
          interval: 1m
          timeout: 5s
        %s""".formatted(pg.signerUrl(database), pg.exporterPasswordFile(), extra);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      return exporter.awaitReady().scrape();
    }
  }

  static long epoch(String instant) {
    return Instant.parse(instant).getEpochSecond();
  }

  @Test
  void pendingRequestsAreTheOnesTheSignerWouldSweepNext() {
    Scrape s = scrape(SignerPostgres.SIGNER_DB, "");
    assertEquals(0.0, s.errors("signer_db", "parse"));
    // Deposits 2 and 3 (1 is swept, 2's only sweep is in the block that lost, 4 lacks a tenth accept,
    // 5's lock time ends within the signer's buffer).
    assertEquals(2.0, s.get("sbtc_signer_db_pending_requests{kind=\"deposit\"}"));
    assertEquals(500000.0, s.get("sbtc_signer_db_pending_amount_sats{kind=\"deposit\"}"));
    assertEquals(epoch("2026-07-21T22:44:00Z"), s.get("sbtc_signer_db_pending_oldest_timestamp_seconds{kind=\"deposit\"}"));
    // Withdrawals 42 and 46 (40 expired, 41 and 47 swept by either record of a sweep, 43 rejected,
    // 44 short of votes, 45 not on the canonical chain, 46's sweep is in the block that lost).
    assertEquals(2.0, s.get("sbtc_signer_db_pending_requests{kind=\"withdrawal\"}"));
    assertEquals(100000.0, s.get("sbtc_signer_db_pending_amount_sats{kind=\"withdrawal\"}"));
    assertEquals(epoch("2026-07-21T22:35:00Z"), s.get("sbtc_signer_db_pending_oldest_timestamp_seconds{kind=\"withdrawal\"}"));
  }

  @Test
  void theLastSweepIsTheNewestCanonicalOne() {
    Scrape s = scrape(SignerPostgres.SIGNER_DB, "");
    // Sweep 2 in block 901209, stored 9 blocks of 9m47s after 901200's 22:04:11; the sweep at 901211 lost.
    assertEquals(901209.0, s.get("sbtc_signer_db_last_sweep_block_height"));
    assertEquals(epoch("2026-07-21T23:32:14Z"), s.get("sbtc_signer_db_last_sweep_timestamp_seconds"));
  }

  @Test
  void thisSignerIsTheOneMemberItHasNotDialedAndItsMissedVotesShow() {
    Scrape s = scrape(SignerPostgres.SIGNER_DB, "");
    assertEquals(1.0, s.get("sbtc_signer_db_signer_public_key_info{public_key=\"" + signerKey(1) + "\",source=\"derived\"}"));
    assertEquals(5.0, s.get("sbtc_signer_db_recent_requests{kind=\"deposit\"}"));
    assertEquals(4.0, s.get("sbtc_signer_db_recent_requests_voted{kind=\"deposit\"}"));
    assertEquals(1.0, s.get("sbtc_signer_db_recent_requests_missed{kind=\"deposit\"}"));
    // 45 is in a Stacks block the signer never stored: neither counted nor missed.
    assertEquals(7.0, s.get("sbtc_signer_db_recent_requests{kind=\"withdrawal\"}"));
    assertEquals(6.0, s.get("sbtc_signer_db_recent_requests_voted{kind=\"withdrawal\"}"));
    assertEquals(1.0, s.get("sbtc_signer_db_recent_requests_missed{kind=\"withdrawal\"}"));
  }

  @Test
  void aConfiguredKeyWinsAndCountsThatSignersVotes() {
    // Signer 2 decided on every recent deposit and withdrawal; the key is accepted in upper case too.
    Scrape s = scrape(SignerPostgres.SIGNER_DB, "  signer_public_key: \"" + signerKey(2).toUpperCase() + "\"\n");
    assertEquals(1.0, s.get("sbtc_signer_db_signer_public_key_info{public_key=\"" + signerKey(2) + "\",source=\"config\"}"));
    assertEquals(5.0, s.get("sbtc_signer_db_recent_requests_voted{kind=\"deposit\"}"));
    assertEquals(0.0, s.get("sbtc_signer_db_recent_requests_missed{kind=\"deposit\"}"));
    assertEquals(7.0, s.get("sbtc_signer_db_recent_requests_voted{kind=\"withdrawal\"}"));
    assertEquals(0.0, s.get("sbtc_signer_db_recent_requests_missed{kind=\"withdrawal\"}"));
  }

  @Test
  void withoutAKeyVotesAreAbsentNotZero() {
    pg.createSignerDatabase(pg.signer, "signer_undialed_peer", true);
    // Signer 14 has never been dialed: two members are missing from p2p_peers, so either may be this signer.
    pg.exec(pg.signer, "signer_undialed_peer", "DELETE FROM sbtc_signer.p2p_peers WHERE public_key = decode('" + signerKey(14) + "', 'hex')");
    Scrape s = scrape("signer_undialed_peer", "");
    assertEquals(1.0, s.up("signer_db"));
    assertEquals(5.0, s.get("sbtc_signer_db_recent_requests{kind=\"deposit\"}"));
    assertFalse(s.namesStartingWith("sbtc_signer_db_signer_public_key").contains("sbtc_signer_db_signer_public_key_info"));
    assertFalse(s.has("sbtc_signer_db_recent_requests_voted{kind=\"deposit\"}"));
    assertFalse(s.has("sbtc_signer_db_recent_requests_missed{kind=\"withdrawal\"}"));
  }

  @Test
  void peersCountEveryDialedPeerAndTheRecentOnes() {
    Scrape s = scrape(SignerPostgres.SIGNER_DB, "");
    assertEquals(13.0, s.get("sbtc_signer_db_known_peers"));
    // 2, 3 and 4 were dialed 2, 3 and 4 hours before the fixture was loaded.
    assertEquals(3.0, s.get("sbtc_signer_db_peers_dialed_recently"));
    double newest = s.get("sbtc_signer_db_peer_last_dialed_timestamp_seconds");
    double now = Instant.now().getEpochSecond();
    assertTrue(newest > now - 3 * 3600 && newest < now - 3600, "newest dial " + newest + ", now " + now);
  }

  @Test
  void anEmptyDatabaseGivesZerosAndNoTimes() {
    pg.createSignerDatabase(pg.signer, "signer_empty_peg", false);
    Scrape s = scrape("signer_empty_peg", "");
    assertEquals(0.0, s.errors("signer_db", "parse"));
    assertEquals(0.0, s.get("sbtc_signer_db_pending_requests{kind=\"deposit\"}"));
    assertEquals(0.0, s.get("sbtc_signer_db_pending_amount_sats{kind=\"withdrawal\"}"));
    assertFalse(s.has("sbtc_signer_db_pending_oldest_timestamp_seconds{kind=\"deposit\"}"));
    assertFalse(s.has("sbtc_signer_db_last_sweep_block_height"));
    assertEquals(0.0, s.get("sbtc_signer_db_known_peers"));
    assertFalse(s.has("sbtc_signer_db_peer_last_dialed_timestamp_seconds"));
  }

  @Test
  void beforeTheFirstVerifiedDkgRoundNothingCountsAsAccepted() {
    pg.createSignerDatabase(pg.signer, "signer_no_verified_dkg", true);
    pg.exec(pg.signer, "signer_no_verified_dkg", "UPDATE sbtc_signer.dkg_shares SET dkg_shares_status = 'unverified'");
    Scrape s = scrape("signer_no_verified_dkg", "");
    assertEquals(0.0, s.get("sbtc_signer_db_pending_requests{kind=\"deposit\"}"));
    assertEquals(0.0, s.get("sbtc_signer_db_pending_requests{kind=\"withdrawal\"}"));
  }

  @Test
  void aWithdrawalAtTheEdgeOfTheExpiryWindowStillWaits() {
    pg.createSignerDatabase(pg.signer, "signer_expiry_edge", true);
    // 40 moved to the first height the signer still considers (tip 901211 - 24): the id walk reaches it.
    pg.exec(pg.signer, "signer_expiry_edge", "UPDATE sbtc_signer.withdrawal_requests SET bitcoin_block_height = 901187 WHERE request_id = 40");
    Scrape s = scrape("signer_expiry_edge", "");
    assertEquals(3.0, s.get("sbtc_signer_db_pending_requests{kind=\"withdrawal\"}"));
    assertEquals(epoch("2026-07-21T19:05:00Z"), s.get("sbtc_signer_db_pending_oldest_timestamp_seconds{kind=\"withdrawal\"}"));
  }
}
