package io.sbtc.exporter.source.backup;

import java.util.Optional;

/**
 * The versions a verification met: who wrote the backup, what read it, and where it went. They
 * say at a glance why an archive cannot be read or why a scratch server is too old.
 *
 * @param dump where the backup came from, as the backup says
 * @param tool {@code pg_restore} or {@code psql}: the program that reads this backup's format
 * @param toolVersion what that program said its version is
 * @param scratchServer the scratch server's {@code server_version}
 */
record RestoreVersions(DumpOrigin dump, Optional<String> tool, Optional<PgVersion> toolVersion, Optional<String> scratchServer) {
  static final RestoreVersions NONE = new RestoreVersions(DumpOrigin.UNKNOWN, Optional.empty(), Optional.empty(), Optional.empty());

  boolean isEmpty() {
    return dump.pgDump().isEmpty() && dump.server().isEmpty() && toolVersion.isEmpty() && scratchServer.isEmpty();
  }
}
