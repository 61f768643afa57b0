package io.sbtc.exporter.source.postgres;

import java.util.List;

/**
 * The SQL the exporter runs against the signer's database (schema {@code sbtc_signer}, migrations
 * in {@code public.__sbtc_migrations}). Every query is answered from an index or a tiny table: the
 * block tables grow by the hour and are read every poll, so no recursive chain walks and no scans.
 */
public final class SignerDbQueries {
  private SignerDbQueries() {}

  public static final String SERVER_VERSION = "SELECT current_setting('server_version')";

  /** One row per applied migration file; the signer writes it itself (not sqlx). */
  public static final String MIGRATIONS = "SELECT count(*) FROM public.__sbtc_migrations";

  /** Migration 0022 added {@code is_canonical}; older databases do not have it. */
  public static final String HAS_IS_CANONICAL = """
      SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                     WHERE attrelid = to_regclass('sbtc_signer.bitcoin_blocks')
                       AND attname = 'is_canonical' AND NOT attisdropped)""";

  /**
   * The highest block the signer marked canonical. Until it has marked any (right after 0022), the
   * highest block, which is also what the signer itself takes as its tip. Both halves walk
   * {@code ix_bitcoin_blocks_block_height} backwards and stop at the first row.
   */
  public static final String BITCOIN_HEIGHT_CANONICAL = """
      SELECT coalesce(
        (SELECT block_height FROM sbtc_signer.bitcoin_blocks WHERE is_canonical
         ORDER BY block_height DESC LIMIT 1),
        (SELECT block_height FROM sbtc_signer.bitcoin_blocks ORDER BY block_height DESC LIMIT 1))""";

  public static final String BITCOIN_HEIGHT =
      "SELECT block_height FROM sbtc_signer.bitcoin_blocks ORDER BY block_height DESC LIMIT 1";

  /**
   * stacks_blocks has no index on block_height, so the highest Stacks block is looked up through
   * the Bitcoin blocks it is anchored to: the newest 144 Bitcoin blocks (about a day) by height,
   * then their Stacks blocks by {@code ix_stacks_blocks_bitcoin_anchor}. This is the signer's own
   * notion of its Stacks tip without the recursive walk. Only when no Stacks block is anchored in
   * that day (the Stacks side has stalled, which is an incident anyway) does it fall back to a
   * scan, bounded by the statement timeout.
   */
  public static final String STACKS_HEIGHT = """
      SELECT coalesce(
        (SELECT max(s.block_height) FROM sbtc_signer.stacks_blocks AS s
         WHERE s.bitcoin_anchor IN (SELECT b.block_hash FROM sbtc_signer.bitcoin_blocks AS b
                                    ORDER BY b.block_height DESC LIMIT 144)),
        (SELECT max(block_height) FROM sbtc_signer.stacks_blocks))""";

  /** dkg_shares has one row per DKG round: a handful. */
  public static final String DKG_SHARES_BY_STATUS =
      "SELECT dkg_shares_status::text, count(*) FROM sbtc_signer.dkg_shares GROUP BY dkg_shares_status";

  public static final String DKG_LATEST_VERIFIED_TIME = """
      SELECT extract(epoch FROM created_at) FROM sbtc_signer.dkg_shares
      WHERE dkg_shares_status = 'verified' ORDER BY created_at DESC LIMIT 1""";

  /**
   * The newest DKG round whatever its status: the row the signer's /info reports as
   * {@code current_aggregate_key}, and the one its block observer revokes when its verification
   * window passes while still unverified.
   */
  public static final String DKG_LATEST_SHARES = """
      SELECT dkg_shares_status::text, extract(epoch FROM created_at) FROM sbtc_signer.dkg_shares
      ORDER BY created_at DESC LIMIT 1""";

  /** The key the signer signs with: its own "latest verified shares" query, aggregate_key only. */
  public static final String LATEST_VERIFIED_AGGREGATE_KEY = """
      SELECT aggregate_key FROM sbtc_signer.dkg_shares
      WHERE dkg_shares_status = 'verified' ORDER BY created_at DESC LIMIT 1""";

  /** pg_settings gives archive_timeout in its unit, seconds (0 when off); pg_stat_archiver's counters are readable by any role. */
  public static final String ARCHIVER = """
      SELECT current_setting('archive_mode'), failed_count, extract(epoch FROM last_archived_time),
             (SELECT setting::float8 FROM pg_catalog.pg_settings WHERE name = 'archive_timeout')
      FROM pg_catalog.pg_stat_archiver""";

  /** The statuses of the signer's {@code dkg_shares_status} enum (migration 0012). */
  public static final List<String> DKG_STATUSES = List.of("unverified", "verified", "failed");
}
