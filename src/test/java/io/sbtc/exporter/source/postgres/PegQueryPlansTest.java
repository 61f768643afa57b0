package io.sbtc.exporter.source.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline queries on a signer database of realistic size: about two years of Bitcoin blocks
 * (100,000), 33,333 deposits and 16,666 withdrawals with ten decisions each, all swept but the newest few. Each
 * query must reach the big tables through an index (no sequential scan of them) and touch few pages.
 * The plans are written to target/peg-query-plans.txt; docs/database.md quotes them.
 */
@Timeout(300)
class PegQueryPlansTest {
  static final String DB = "signer_big";
  /** Tables that grow with the chain or with every request: never read whole. */
  static final List<String> BIG = List.of("bitcoin_blocks", "stacks_blocks", "bitcoin_transactions", "deposit_requests",
      "deposit_signers", "withdrawal_requests", "withdrawal_signers", "bitcoin_tx_inputs", "bitcoin_tx_outputs",
      "bitcoin_withdrawals_outputs", "bitcoin_withdrawal_tx_outputs");
  /** A query that needs more than this many 8 KiB pages (hit or read) is not "cheap" any more. */
  static final long MAX_PAGES = 20_000;

  @TempDir
  static Path dir;
  static SignerPostgres pg;

  @BeforeAll
  static void start() {
    pg = SignerPostgres.start(dir.resolve("pg"));
    pg.createSignerDatabase(pg.signer, DB, false);
    pg.exec(pg.signer, DB, GENERATE);
    pg.exec(pg.signer, DB, "ANALYZE");
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  /**
   * Generated history: heights 800000-899999 (tip 899999), a deposit every 3 blocks swept in the next
   * one, a withdrawal every 6 blocks paid by the sweep after it; the newest 5 deposits and 2
   * withdrawals still wait.
   */
  static final String GENERATE = """
      INSERT INTO sbtc_signer.bitcoin_blocks (block_hash, block_height, parent_hash, created_at, is_canonical)
      SELECT sha256(int8send(h)), h, sha256(int8send(h - 1)), timestamptz '2024-12-01 00:00:00+00' + (h - 800000) * interval '10 minutes', TRUE
      FROM generate_series(800000, 899999) AS h;
      INSERT INTO sbtc_signer.bitcoin_blocks (block_hash, block_height, parent_hash, created_at, is_canonical)
      SELECT sha256(int8send(-h)), h, sha256(int8send(h - 1)), timestamptz '2024-12-01 00:00:00+00' + (h - 800000) * interval '10 minutes', FALSE
      FROM generate_series(800000, 899999, 200) AS h;
      INSERT INTO sbtc_signer.stacks_blocks (block_hash, block_height, parent_hash, bitcoin_anchor, created_at)
      SELECT sha256(int8send(1000000000 + s)), s, sha256(int8send(1000000000 + s - 1)), sha256(int8send(800000 + s / 2)),
             timestamptz '2024-12-01 00:00:00+00' + s * interval '5 minutes'
      FROM generate_series(0, 199999) AS s;
      INSERT INTO sbtc_signer.deposit_requests (txid, output_index, spend_script, recipient, amount, lock_time, signers_public_key,
          sender_script_pub_keys, created_at, reclaim_script_hash, max_fee)
      SELECT sha256(int8send(2000000000 + d)), 0, '\\x00'::bytea, 'SP000', 100000 + d, 144, '\\x00'::bytea, ARRAY['\\x00'::bytea],
             timestamptz '2024-12-01 00:00:00+00' + (3 * d) * interval '10 minutes', '\\x00'::bytea, '\\x00'::bytea
      FROM generate_series(0, 33332) AS d;
      INSERT INTO sbtc_signer.bitcoin_transactions (txid, block_hash)
      SELECT sha256(int8send(2000000000 + d)), sha256(int8send(800000 + 3 * d)) FROM generate_series(0, 33332) AS d;
      INSERT INTO sbtc_signer.deposit_signers (txid, output_index, signer_pub_key, can_sign, can_accept, created_at)
      SELECT sha256(int8send(2000000000 + d)), 0, sha256(int8send(k)), TRUE, TRUE,
             timestamptz '2024-12-01 00:00:00+00' + (3 * d) * interval '10 minutes'
      FROM generate_series(0, 33332) AS d, generate_series(1, 10) AS k;
      -- Sweep d, one block after deposit d, spends it and the signers' previous UTXO.
      INSERT INTO sbtc_signer.bitcoin_transactions (txid, block_hash)
      SELECT sha256(int8send(3000000000 + d)), sha256(int8send(800001 + 3 * d)) FROM generate_series(0, 33327) AS d;
      INSERT INTO sbtc_signer.bitcoin_tx_inputs (txid, prevout_txid, prevout_output_index, amount, script_pubkey, prevout_type, created_at)
      SELECT sha256(int8send(3000000000 + d)), sha256(int8send(2000000000 + d)), 0, 100000 + d, '\\x00'::bytea, 'deposit'::sbtc_signer.prevout_type, now()
      FROM generate_series(0, 33327) AS d
      UNION ALL
      SELECT sha256(int8send(3000000000 + d)), sha256(int8send(3000000000 + d - 1)), 0, 1, '\\x00'::bytea, 'signers_input'::sbtc_signer.prevout_type, now()
      FROM generate_series(0, 33327) AS d;
      INSERT INTO sbtc_signer.bitcoin_tx_outputs (txid, output_index, amount, script_pubkey, output_type, created_at)
      SELECT sha256(int8send(3000000000 + d)), 0, 1, '\\x00'::bytea, 'signers_output'::sbtc_signer.output_type, now() FROM generate_series(0, 33327) AS d
      UNION ALL
      SELECT sha256(int8send(3000000000 + 2 * w)), 1, 1, '\\x00'::bytea, 'withdrawal'::sbtc_signer.output_type, now() FROM generate_series(0, 16663) AS w;
      INSERT INTO sbtc_signer.withdrawal_requests (request_id, txid, block_hash, recipient, amount, max_fee, sender_address, created_at,
          bitcoin_block_height)
      SELECT w, sha256(int8send(4000000000 + w)), sha256(int8send(1000000000 + 12 * w)), '\\x00'::bytea, 50000 + w, 1000, 'SP000',
             timestamptz '2024-12-01 00:00:00+00' + (6 * w) * interval '10 minutes', 800000 + 6 * w
      FROM generate_series(0, 16665) AS w;
      INSERT INTO sbtc_signer.withdrawal_signers (request_id, txid, block_hash, signer_pub_key, is_accepted, created_at)
      SELECT w, sha256(int8send(4000000000 + w)), sha256(int8send(1000000000 + 12 * w)), sha256(int8send(k)), TRUE, now()
      FROM generate_series(0, 16665) AS w, generate_series(1, 10) AS k;
      INSERT INTO sbtc_signer.bitcoin_withdrawal_tx_outputs (txid, output_index, request_id, created_at)
      SELECT sha256(int8send(3000000000 + 2 * w)), 1, w, now() FROM generate_series(0, 16663) AS w;
      INSERT INTO sbtc_signer.bitcoin_withdrawals_outputs (bitcoin_txid, bitcoin_chain_tip, output_index, request_id, stacks_txid,
          stacks_block_hash, validation_result, is_valid_tx, created_at)
      SELECT sha256(int8send(3000000000 + 2 * w)), '\\x00'::bytea, 1, w, sha256(int8send(4000000000 + w)),
             sha256(int8send(1000000000 + 12 * w)), 'success', TRUE, now()
      FROM generate_series(0, 16663) AS w;
      INSERT INTO sbtc_signer.withdrawal_reject_events (txid, block_hash, request_id, signer_bitmap, created_at)
      SELECT sha256(int8send(5000000000 + w)), sha256(int8send(1000000000 + 12 * w)), w, '\\x00'::bytea, now()
      FROM generate_series(0, 16665, 50) AS w;
      INSERT INTO sbtc_signer.dkg_shares (aggregate_key, tweaked_aggregate_key, encrypted_private_shares, public_shares, script_pubkey,
          signer_set_public_keys, signature_share_threshold, created_at, dkg_shares_status, started_at_bitcoin_block_hash,
          started_at_bitcoin_block_height)
      SELECT sha256(int8send(6000000000 + r)), '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea,
             ARRAY(SELECT sha256(int8send(k)) FROM generate_series(1, 10) AS k), 7,
             timestamptz '2024-12-01 00:00:00+00' + r * interval '30 days', 'verified', '\\x00'::bytea, 800000
      FROM generate_series(0, 23) AS r;
      INSERT INTO sbtc_signer.p2p_peers (public_key, peer_id, address, last_dialed_at)
      SELECT sha256(int8send(k)), 'peer' || k, '/ip4/192.0.2.' || k || '/tcp/4122', now() FROM generate_series(2, 10) AS k;
      """;

  /** Each query with the parameters it runs with: this signer is key 1 of the generated set. */
  static Map<String, Object[]> queries() {
    Map<String, Object[]> q = new LinkedHashMap<>();
    q.put("PENDING_DEPOSITS", new Object[] {PegQueries.PENDING_DEPOSITS});
    q.put("PENDING_WITHDRAWALS", new Object[] {PegQueries.PENDING_WITHDRAWALS});
    q.put("LAST_SWEEP", new Object[] {PegQueries.LAST_SWEEP});
    q.put("OWN_KEY_CANDIDATES", new Object[] {PegQueries.OWN_KEY_CANDIDATES});
    q.put("RECENT_DEPOSIT_VOTES", new Object[] {PegQueries.RECENT_DEPOSIT_VOTES, "key"});
    q.put("RECENT_WITHDRAWAL_VOTES", new Object[] {PegQueries.RECENT_WITHDRAWAL_VOTES, "key"});
    q.put("PEERS", new Object[] {PegQueries.PEERS});
    return q;
  }

  @Test
  void everyQueryReachesTheBigTablesThroughAnIndexAndTouchesFewPages() throws SQLException, IOException {
    SignerDbConfig config = ConfigLoader.parse("test.yml", """
        signer_db:
          url: "%s"
          password_file: "%s"
        """.formatted(pg.signerUrl(DB), pg.exporterPasswordFile()), System::getenv).section(SignerDbConfig.class).orElseThrow();
    StringBuilder report = new StringBuilder();
    List<String> problems = new ArrayList<>();
    byte[] key;
    try (Connection c = PgConnector.open(config.url(), config.password(), Duration.ofSeconds(30), true)) {
      key = single(c, "SELECT sha256(int8send(1::bigint))");
      for (Map.Entry<String, Object[]> e : queries().entrySet()) {
        String sql = (String) e.getValue()[0];
        String plan = explain(c, sql, e.getValue().length > 1 ? key : null);
        report.append("== ").append(e.getKey()).append('\n').append(plan).append('\n');
        for (String table : BIG) {
          if (Pattern.compile("Seq Scan on " + table + "\\b").matcher(plan).find()) {
            problems.add(e.getKey() + " reads all of " + table);
          }
        }
        long pages = pages(plan);
        if (pages > MAX_PAGES) {
          problems.add(e.getKey() + " touches " + pages + " pages");
        }
      }
    }
    Files.writeString(Path.of("target/peg-query-plans.txt"), report);
    assertEquals(List.of(), problems, report.toString());
  }

  /** The generated history gives the expected answers, so the plans above are of queries that find something. */
  @Test
  void theGeneratedHistoryHasWorkInTheWindows() throws SQLException {
    try (Connection c = pg.signer.getDatabase("postgres", DB).getConnection()) {
      // The last sweep is one block after the last swept deposit: 800001 + 3 * 33327.
      try (PreparedStatement st = c.prepareStatement(PegQueries.LAST_SWEEP); ResultSet rs = st.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(899982L, rs.getLong(1));
      }
      try (PreparedStatement st = c.prepareStatement(PegQueries.PENDING_DEPOSITS); ResultSet rs = st.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(5L, rs.getLong(1));
      }
      try (PreparedStatement st = c.prepareStatement(PegQueries.PENDING_WITHDRAWALS); ResultSet rs = st.executeQuery()) {
        assertTrue(rs.next());
        assertEquals(2L, rs.getLong(1));
      }
      try (PreparedStatement st = c.prepareStatement(PegQueries.RECENT_WITHDRAWAL_VOTES)) {
        byte[] key = single(c, "SELECT sha256(int8send(1::bigint))");
        st.setBytes(1, key);
        st.setBytes(2, key);
        try (ResultSet rs = st.executeQuery()) {
          assertTrue(rs.next());
          // Made above 899855, 6 blocks apart: 899858 to 899990, 23 of them; key 1 decided on each.
          assertEquals(23L, rs.getLong(1));
          assertEquals(23L, rs.getLong(2));
          assertEquals(0L, rs.getLong(3));
        }
      }
    }
  }

  static String explain(Connection c, String sql, byte[] key) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)) {
      if (key != null) {
        st.setBytes(1, key);
        st.setBytes(2, key);
      }
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
      return plan.toString();
    }
  }

  /** Pages of the top node: its line's "Buffers: shared hit=N read=M" is the whole query's. */
  static long pages(String plan) {
    Matcher m = Pattern.compile("Buffers: shared(?: hit=(\\d+))?(?: read=(\\d+))?").matcher(plan);
    if (!m.find()) {
      return 0;
    }
    return (m.group(1) == null ? 0 : Long.parseLong(m.group(1))) + (m.group(2) == null ? 0 : Long.parseLong(m.group(2)));
  }

  static byte[] single(Connection c, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql); ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getBytes(1);
    }
  }
}
