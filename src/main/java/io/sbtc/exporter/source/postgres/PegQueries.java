package io.sbtc.exporter.source.postgres;

/**
 * The SQL behind the sBTC pipeline metrics: requests waiting to be swept, the newest sweep, this
 * signer's votes and its peers. Each query means what the signer means (stacks-sbtc/sbtc v1.3.3,
 * cited per query) but is written to stay cheap on years of history: the signer walks its chain
 * with recursive queries from a tip it already holds; here the canonical chain is the blocks it
 * marked {@code is_canonical} (migration 0022), reached through {@code ix_bitcoin_blocks_block_height},
 * and every other table is reached through its key or one of the signer's indexes. docs/database.md
 * shows each plan on a database of realistic size (PegQueriesTest prints them).
 */
public final class PegQueries {
  private PegQueries() {}

  /** The signer's default {@code context_window} (v1.3.3 signer/src/config/default.toml:188): how far back it looks for requests. */
  public static final int CONTEXT_WINDOW_BLOCKS = 1000;
  /** {@code DEPOSIT_LOCKTIME_BLOCK_BUFFER} (v1.3.3 signer/src/lib.rs:61): a deposit this close to its reclaim height is left alone. */
  public static final int DEPOSIT_LOCKTIME_BUFFER_BLOCKS = 3;
  /** {@code WITHDRAWAL_BLOCKS_EXPIRY} (v1.3.3 signer/src/lib.rs:134): a withdrawal older than this is rejected, not swept. */
  public static final int WITHDRAWAL_EXPIRY_BLOCKS = 24;
  /** "Recent" for participation: about a day of Bitcoin blocks, well inside the window the signer decides in. */
  public static final int RECENT_BLOCKS = 144;
  /** "Recently dialed" for peers. */
  public static final String RECENT_DIAL = "24 hours";

  /** The highest block the signer marked canonical: its Bitcoin chain tip. */
  private static final String TIP = """
      tip AS (
        SELECT block_height AS height FROM sbtc_signer.bitcoin_blocks
        WHERE is_canonical ORDER BY block_height DESC LIMIT 1
      )""";

  /**
   * How many accepting votes a request needs. The signer uses its {@code bootstrap_signatures_required}
   * (transaction_coordinator.rs:2231), which is also the threshold its DKG shares were made with and
   * stores in {@code signature_share_threshold}; the newest verified shares are the ones it signs with.
   */
  private static final String VOTES_NEEDED = """
      votes_needed AS (
        SELECT signature_share_threshold AS n FROM sbtc_signer.dkg_shares
        WHERE dkg_shares_status = 'verified' ORDER BY created_at DESC LIMIT 1
      )""";

  /*
   * How the window queries stay cheap. The tip is known only when the query runs, so the planner
   * cannot tell that "blocks above tip - 1000" are 1% of a large table; left alone it plans hash
   * joins that read whole tables, and grow with the history (measured in PegQueryPlansTest). So
   * every step from the window to a big table is a LATERAL subquery with OFFSET 0, which the planner
   * keeps as a lookup per row through the named index, and each per-request check is a count(*)
   * subquery, which it keeps as a lookup per request instead of turning it into a join.
   */

  /** Canonical blocks above {@code height - depth}, newest first: a backward range of ix_bitcoin_blocks_block_height. */
  private static String canonicalBlocks(String name, int depth) {
    return """
        %1$s AS MATERIALIZED (
          SELECT b.block_hash, b.block_height, b.created_at FROM tip
          CROSS JOIN LATERAL (SELECT block_hash, block_height, created_at FROM sbtc_signer.bitcoin_blocks
                              WHERE is_canonical AND block_height > tip.height - %2$d
                              ORDER BY block_height DESC LIMIT %2$d) AS b
        )""".formatted(name, depth);
  }

  /** The transactions the signer recorded in those blocks: ix_bitcoin_transactions_block_hash. */
  private static String transactionsIn(String name, String blocks) {
    return """
        %s AS MATERIALIZED (
          SELECT w.block_height, t.txid FROM %s AS w
          CROSS JOIN LATERAL (SELECT txid FROM sbtc_signer.bitcoin_transactions AS t
                              WHERE t.block_hash = w.block_hash OFFSET 0) AS t
        )""".formatted(name, blocks);
  }

  /** The deposit requests among those transactions: deposit_requests' primary key. */
  private static final String DEPOSITS_IN_WINDOW = """
      deposits AS MATERIALIZED (
        SELECT x.block_height, d.txid, d.output_index, d.amount, d.lock_time, d.created_at FROM window_txs AS x
        CROSS JOIN LATERAL (SELECT txid, output_index, amount, lock_time, created_at FROM sbtc_signer.deposit_requests AS d
                            WHERE d.txid = x.txid OFFSET 0) AS d
      )""";

  /**
   * Withdrawal request ids from the newest down to the first whose rows are all older than
   * {@code depth} blocks. withdrawal_requests is indexed by its key only, and the sbtc-registry
   * contract hands out request ids in order, so their Bitcoin heights rise with the id: one step of
   * the primary key per request instead of a scan of every withdrawal ever made. Then the rows of
   * those ids made within the window.
   */
  private static String withdrawalsInWindow(int depth) {
    return """
        ids (id) AS (
          SELECT max(request_id) FROM sbtc_signer.withdrawal_requests
          UNION ALL
          SELECT (SELECT max(w.request_id) FROM sbtc_signer.withdrawal_requests AS w WHERE w.request_id < ids.id)
          FROM ids
          WHERE EXISTS (SELECT 1 FROM sbtc_signer.withdrawal_requests AS w CROSS JOIN tip
                        WHERE w.request_id = ids.id AND w.bitcoin_block_height >= tip.height - %1$d)
        ),
        withdrawals AS MATERIALIZED (
          SELECT r.request_id, r.block_hash, r.amount, r.created_at FROM ids CROSS JOIN tip
          CROSS JOIN LATERAL (SELECT request_id, block_hash, amount, created_at, bitcoin_block_height
                              FROM sbtc_signer.withdrawal_requests AS r WHERE r.request_id = ids.id OFFSET 0) AS r
          WHERE r.bitcoin_block_height >= tip.height - %1$d
        )""".formatted(depth);
  }

  /**
   * Confirmed on the canonical Stacks chain, as far as the database tells: the request's Stacks block
   * is stored and anchored to a canonical Bitcoin block (the signer walks its Stacks chain from its
   * Stacks tip, read.rs:1384-1402; a Stacks fork inside one Bitcoin block is not told apart here).
   */
  private static final String STACKS_CANONICAL = """
      (SELECT count(*) FROM sbtc_signer.stacks_blocks AS s
       JOIN sbtc_signer.bitcoin_blocks AS b ON b.block_hash = s.bitcoin_anchor
       WHERE s.block_hash = r.block_hash AND b.is_canonical) > 0""";

  /**
   * Deposits waiting to be swept, as the signer's get_pending_accepted_deposit_requests (v1.3.3
   * signer/src/storage/postgres/read.rs:894-975) selects them: confirmed in a canonical block of the
   * context window, their lock time not within the buffer of the next block, accepted (can_accept and
   * can_sign) by at least the threshold of signers, and spent by no transaction in that window.
   * Count, Unix time the oldest was stored, total sats.
   */
  public static final String PENDING_DEPOSITS = """
      WITH %s,
      %s,
      %s,
      %s,
      %s
      SELECT count(*), extract(epoch FROM min(d.created_at)), coalesce(sum(d.amount), 0)
      FROM deposits AS d CROSS JOIN tip
      WHERE d.block_height + d.lock_time >= tip.height + %d
        AND (SELECT count(*) FROM sbtc_signer.deposit_signers AS v
             WHERE v.txid = d.txid AND v.output_index = d.output_index AND v.can_accept AND v.can_sign)
            >= (SELECT n FROM votes_needed)
        AND (SELECT count(*) FROM sbtc_signer.bitcoin_tx_inputs AS i
             JOIN sbtc_signer.bitcoin_transactions AS st ON st.txid = i.txid
             JOIN sbtc_signer.bitcoin_blocks AS sb ON sb.block_hash = st.block_hash
             WHERE i.prevout_txid = d.txid AND i.prevout_output_index = d.output_index
               AND sb.is_canonical AND sb.block_height > tip.height - %d) = 0"""
      .formatted(TIP, VOTES_NEEDED, canonicalBlocks("window_blocks", CONTEXT_WINDOW_BLOCKS), transactionsIn("window_txs", "window_blocks"),
          DEPOSITS_IN_WINDOW, DEPOSIT_LOCKTIME_BUFFER_BLOCKS + 1, CONTEXT_WINDOW_BLOCKS);

  /**
   * Withdrawals waiting to be swept, as the signer's get_pending_accepted_withdrawal_requests
   * (read.rs:1322-1467) selects them: made within the expiry window, confirmed on the canonical
   * Stacks chain, accepted by at least the threshold of signers, paid by no sweep confirmed in a
   * canonical block since (its withdrawal outputs are recorded when signed, by request and Stacks
   * block, and when seen in a block, by request), and rejected by no canonical contract call (a
   * handful of rows, read whole). Count, Unix time the oldest was stored, total sats.
   */
  public static final String PENDING_WITHDRAWALS = """
      WITH RECURSIVE %s,
      %s,
      %s,
      %s,
      %s,
      swept AS MATERIALIZED (
        SELECT o.request_id, NULL::bytea AS block_hash FROM sweeps AS s
        CROSS JOIN LATERAL (SELECT request_id FROM sbtc_signer.bitcoin_withdrawal_tx_outputs AS o WHERE o.txid = s.txid OFFSET 0) AS o
        UNION ALL
        SELECT o.request_id, o.stacks_block_hash FROM sweeps AS s
        CROSS JOIN LATERAL (SELECT request_id, stacks_block_hash FROM sbtc_signer.bitcoin_withdrawals_outputs AS o
                            WHERE o.bitcoin_txid = s.txid OFFSET 0) AS o
      )
      SELECT count(*), extract(epoch FROM min(r.created_at)), coalesce(sum(r.amount), 0)
      FROM withdrawals AS r
      WHERE %s
        AND (SELECT count(*) FROM sbtc_signer.withdrawal_signers AS v
             WHERE v.request_id = r.request_id AND v.block_hash = r.block_hash AND v.is_accepted)
            >= (SELECT n FROM votes_needed)
        AND NOT EXISTS (SELECT 1 FROM swept AS w
                        WHERE w.request_id = r.request_id AND (w.block_hash IS NULL OR w.block_hash = r.block_hash))
        AND (SELECT count(*) FROM sbtc_signer.withdrawal_reject_events AS e
             WHERE e.request_id = r.request_id
               AND (SELECT count(*) FROM sbtc_signer.stacks_blocks AS s
                    JOIN sbtc_signer.bitcoin_blocks AS b ON b.block_hash = s.bitcoin_anchor
                    WHERE s.block_hash = e.block_hash AND b.is_canonical) > 0) = 0"""
      .formatted(TIP, VOTES_NEEDED, withdrawalsInWindow(WITHDRAWAL_EXPIRY_BLOCKS),
          canonicalBlocks("sweep_blocks", WITHDRAWAL_EXPIRY_BLOCKS + 1), transactionsIn("sweeps", "sweep_blocks"), STACKS_CANONICAL);

  /**
   * The newest canonical block, within the context window, holding a transaction that spends the
   * signers' own UTXO (an input the block observer recorded as {@code signers_input}, block_observer.rs
   * 703-739): a sweep. Its height and the Unix time the signer stored the block.
   */
  public static final String LAST_SWEEP = """
      WITH %s,
      %s
      SELECT w.block_height, extract(epoch FROM w.created_at)
      FROM (SELECT * FROM window_blocks ORDER BY block_height DESC OFFSET 0) AS w
      WHERE (SELECT count(*) FROM sbtc_signer.bitcoin_transactions AS t
             JOIN sbtc_signer.bitcoin_tx_inputs AS i ON i.txid = t.txid
             WHERE t.block_hash = w.block_hash AND i.prevout_type = 'signers_input') > 0
      LIMIT 1""".formatted(TIP, canonicalBlocks("window_blocks", CONTEXT_WINDOW_BLOCKS));

  /**
   * Candidates for this signer's own key: the members of the signer set of its newest verified DKG
   * shares that are not in p2p_peers. The signer records only peers it dialed and is never its own
   * peer (network/libp2p/event_loop.rs:105-150), so when it has dialed every other member exactly one
   * key is left, and that one is its own. Two rows or none mean "cannot tell".
   */
  public static final String OWN_KEY_CANDIDATES = """
      SELECT k.key
      FROM (SELECT unnest(signer_set_public_keys) AS key
            FROM (SELECT signer_set_public_keys FROM sbtc_signer.dkg_shares
                  WHERE dkg_shares_status = 'verified' ORDER BY created_at DESC LIMIT 1) AS newest) AS k
      WHERE NOT EXISTS (SELECT 1 FROM sbtc_signer.p2p_peers AS p WHERE p.public_key = k.key)
      LIMIT 2""";

  /**
   * Deposits confirmed in the recent canonical blocks: how many, how many carry a decision of the
   * signer whose key is the two parameters (request_decider.rs:250-305 stores its own decision in the
   * same table as its peers'), and how many carry a peer's decision but not its own. The signer decides
   * again at every block on requests it has no decision for (read.rs:834-892), so a missed vote that
   * stays means it is not deciding.
   */
  public static final String RECENT_DEPOSIT_VOTES = """
      WITH %s,
      %s,
      %s,
      %s
      SELECT count(*), count(*) FILTER (WHERE mine), count(*) FILTER (WHERE peers AND NOT mine)
      FROM (SELECT EXISTS (SELECT 1 FROM sbtc_signer.deposit_signers AS v
                           WHERE v.txid = d.txid AND v.output_index = d.output_index AND v.signer_pub_key = ?) AS mine,
                   EXISTS (SELECT 1 FROM sbtc_signer.deposit_signers AS v
                           WHERE v.txid = d.txid AND v.output_index = d.output_index AND v.signer_pub_key <> ?) AS peers
            FROM deposits AS d) AS votes"""
      .formatted(TIP, canonicalBlocks("window_blocks", RECENT_BLOCKS), transactionsIn("window_txs", "window_blocks"), DEPOSITS_IN_WINDOW);

  /** The same for withdrawals made in the recent blocks and confirmed on the canonical Stacks chain. */
  public static final String RECENT_WITHDRAWAL_VOTES = """
      WITH RECURSIVE %s,
      %s
      SELECT count(*), count(*) FILTER (WHERE mine), count(*) FILTER (WHERE peers AND NOT mine)
      FROM (SELECT EXISTS (SELECT 1 FROM sbtc_signer.withdrawal_signers AS v
                           WHERE v.request_id = r.request_id AND v.block_hash = r.block_hash AND v.signer_pub_key = ?) AS mine,
                   EXISTS (SELECT 1 FROM sbtc_signer.withdrawal_signers AS v
                           WHERE v.request_id = r.request_id AND v.block_hash = r.block_hash AND v.signer_pub_key <> ?) AS peers
            FROM withdrawals AS r
            WHERE %s) AS votes"""
      .formatted(TIP, withdrawalsInWindow(RECENT_BLOCKS - 1), STACKS_CANONICAL);

  /**
   * p2p_peers holds one row per peer the signer ever dialed successfully, with the time of the latest
   * such dial (write.rs:973-1004). Count, dialed recently, Unix time of the newest dial.
   */
  public static final String PEERS = """
      SELECT count(*), count(*) FILTER (WHERE last_dialed_at > now() - interval '%s'), extract(epoch FROM max(last_dialed_at))
      FROM sbtc_signer.p2p_peers""".formatted(RECENT_DIAL);
}
