package io.sbtc.exporter.source.backup;

import java.util.Locale;

/** The fixed set of {@code reason} label values of {@code sbtc_backup_verify_failure_info}. */
public enum FailureReason {
  /** No backup to verify: directory missing, no matching file, newest file unreadable. */
  NO_BACKUP,
  /** The newest backup kept changing size or time until the timeout: still being written. */
  STILL_BEING_WRITTEN,
  /** pg_restore or psql could not be started. */
  TOOL_MISSING,
  /** psql cannot lock out its own commands (no {@code \\restrict}): plain SQL is not fed to it. */
  TOOL_TOO_OLD,
  /**
   * A pg_dump archive written by a newer pg_dump than the configured pg_restore: pg_restore reads
   * archives of its own major version and older only. Nothing is restored.
   */
  DUMP_TOO_NEW,
  /**
   * The backup is of a newer PostgreSQL than the scratch server runs: a restore into an older
   * server proves nothing about a restore into the signer's. Nothing is restored.
   */
  SCRATCH_TOO_OLD,
  /** The scratch server refused or failed to create the temporary database. */
  SCRATCH_UNAVAILABLE,
  /** The scratch user could run programs or touch files on the scratch server's host: nothing is restored. */
  SCRATCH_TOO_PRIVILEGED,
  /** Not a dump at all, or a gzip that does not decompress. */
  CORRUPT_FILE,
  /** A plain dump with psql commands other than pg_dump's own (made with --create, or pg_dumpall). */
  UNSUPPORTED_DUMP,
  /** A plain dump without pg_dump's closing line: cut short. */
  INCOMPLETE_DUMP,
  /** pg_restore or psql reported an error. */
  RESTORE_FAILED,
  /** The restored copy has no sbtc_signer schema: a dump of another database. */
  SCHEMA_MISSING,
  TABLE_MISSING,
  TABLE_EMPTY,
  /** The restored copy's latest verified DKG aggregate key differs from the live database's. */
  AGGREGATE_KEY_MISMATCH,
  /** The live signer database could not be read to compare the key. */
  LIVE_DB_UNAVAILABLE,
  TIMEOUT,
  /** A bug in the exporter; the log has the details. */
  INTERNAL;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
