package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.source.ConfinedDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The kind of a backup file, read from its first bytes rather than its name: a name says what
 * someone meant to write, the bytes say what pg_dump wrote.
 */
enum DumpFormat {
  /** {@code pg_dump -Fc}: restored by pg_restore. */
  CUSTOM,
  /** {@code pg_dump -Ft}: restored by pg_restore. */
  TAR,
  /** {@code pg_dump | gzip}: decompressed by the exporter and fed to psql. */
  GZIP_SQL,
  /** {@code pg_dump} (plain): fed to psql. */
  PLAIN_SQL;

  private static final byte[] CUSTOM_MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);
  private static final int TAR_MAGIC_OFFSET = 257;

  static DumpFormat of(Path file) throws IOException, VerifyFailure {
    byte[] head;
    try (InputStream in = ConfinedDirectory.open(file)) {
      head = in.readNBytes(TAR_MAGIC_OFFSET + TAR_MAGIC.length);
    }
    if (head.length == 0) {
      throw new VerifyFailure(FailureReason.CORRUPT_FILE, "backup " + file + " is empty");
    }
    if (startsWith(head, 0, CUSTOM_MAGIC)) {
      return CUSTOM;
    }
    if (startsWith(head, TAR_MAGIC_OFFSET, TAR_MAGIC)) {
      return TAR;
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP_SQL;
    }
    for (byte b : head) {
      // Text has no NUL bytes; a plain dump is text. Anything else is not something psql should be fed.
      if (b == 0) {
        throw new VerifyFailure(FailureReason.CORRUPT_FILE, "backup " + file + " is neither a pg_dump archive, nor gzip, nor SQL text");
      }
    }
    return PLAIN_SQL;
  }

  boolean usesPgRestore() {
    return this == CUSTOM || this == TAR;
  }

  private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
    return data.length >= offset + prefix.length && Arrays.equals(data, offset, offset + prefix.length, prefix, 0, prefix.length);
  }
}
