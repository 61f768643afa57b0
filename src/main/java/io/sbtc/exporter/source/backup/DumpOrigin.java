package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.source.ConfinedDirectory;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Which pg_dump wrote a backup, and of which server, read from the backup itself: a tool that
 * cannot read the archive says so in words that depend on its version; the header says it plainly.
 *
 * <p>Custom and tar archives start with pg_dump's archive header (for tar, in the first member,
 * {@code toc.dat}): {@code PGDMP}, the archive format version (1.14 up to pg_dump 15, 1.15 for 16,
 * 1.16 for 17 and 18), the integer and offset sizes, the format, the compression (an int before
 * 1.15, one byte since), the creation time as seven ints, then three strings: the database name,
 * the server's version and pg_dump's own (PostgreSQL's src/bin/pg_dump/pg_backup_archiver.c,
 * WriteHead and ReadHead). An int is a sign byte and {@code intSize} bytes, least significant first;
 * a string is its length as an int, then its bytes. Plain dumps say the same in comments:
 * {@code -- Dumped from database version 16.6} and {@code -- Dumped by pg_dump version 16.6}.
 *
 * @param pgDump the version of the pg_dump that wrote the backup; empty when it does not say
 * @param server the version of the server it was dumped from; empty when it does not say
 */
record DumpOrigin(Optional<PgVersion> pgDump, Optional<PgVersion> server) {
  static final DumpOrigin UNKNOWN = new DumpOrigin(Optional.empty(), Optional.empty());

  private static final int TAR_BLOCK = 512;
  /** Archive format 1.10 added the two version strings. */
  private static final int FIRST_WITH_VERSIONS = 10;
  /** Archive format 1.15 replaced the compression level (an int) by the algorithm (a byte). */
  private static final int FIRST_WITH_COMPRESSION_BYTE = 15;
  /** A database name or a version string longer than this is not a header pg_dump wrote. */
  private static final int MAX_STRING = 1024;
  /** pg_dump writes its version comments within the first dozen lines. */
  private static final int PLAIN_HEADER_LINES = 40;

  /** Never fails: a header that cannot be read tells nothing, and restoring will say what is wrong. */
  static DumpOrigin read(Path file, DumpFormat format) {
    try (InputStream raw = ConfinedDirectory.open(file)) {
      return switch (format) {
        case CUSTOM -> archive(raw);
        case TAR -> archive(tarFirstMember(raw));
        case PLAIN_SQL -> plain(raw);
        case GZIP_SQL -> plain(new GZIPInputStream(raw, 1 << 12));
      };
    } catch (IOException | RuntimeException e) {
      return UNKNOWN;
    }
  }

  /** The archive header at the start of {@code in}. */
  static DumpOrigin archive(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] magic = new byte[5];
    d.readFully(magic);
    if (!"PGDMP".equals(new String(magic, StandardCharsets.US_ASCII))) {
      return UNKNOWN;
    }
    int vmaj = d.readUnsignedByte();
    int vmin = d.readUnsignedByte();
    if (vmaj != 1 || vmin < FIRST_WITH_VERSIONS) {
      return UNKNOWN; // before 1.10 (pg_dump 8.x): no versions written
    }
    d.readUnsignedByte(); // revision
    int intSize = d.readUnsignedByte();
    if (intSize < 1 || intSize > 8) {
      return UNKNOWN;
    }
    d.readUnsignedByte(); // offset size
    d.readUnsignedByte(); // format
    if (vmin >= FIRST_WITH_COMPRESSION_BYTE) {
      d.readUnsignedByte();
    } else {
      readInt(d, intSize);
    }
    for (int i = 0; i < 7; i++) {
      readInt(d, intSize); // creation time: sec, min, hour, mday, mon, year, isdst
    }
    readString(d, intSize); // database name
    Optional<PgVersion> server = readString(d, intSize).flatMap(PgVersion::parse);
    Optional<PgVersion> pgDump = readString(d, intSize).flatMap(PgVersion::parse);
    return new DumpOrigin(pgDump, server);
  }

  /** pg_dump's tar archive: its first member is toc.dat, which begins with the archive header. */
  private static InputStream tarFirstMember(InputStream in) throws IOException {
    byte[] header = in.readNBytes(TAR_BLOCK);
    if (header.length < TAR_BLOCK) {
      throw new EOFException();
    }
    return in;
  }

  private static DumpOrigin plain(InputStream in) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 12);
    Optional<PgVersion> server = Optional.empty();
    Optional<PgVersion> pgDump = Optional.empty();
    for (int i = 0; i < PLAIN_HEADER_LINES && (server.isEmpty() || pgDump.isEmpty()); i++) {
      String line = r.readLine();
      if (line == null) {
        break;
      }
      if (line.startsWith("-- Dumped from database version ")) {
        server = PgVersion.parse(line.substring("-- Dumped from database version ".length()));
      } else if (line.startsWith("-- Dumped by pg_dump version ")) {
        pgDump = PgVersion.parse(line.substring("-- Dumped by pg_dump version ".length()));
      }
    }
    return new DumpOrigin(pgDump, server);
  }

  private static long readInt(DataInputStream d, int intSize) throws IOException {
    int sign = d.readUnsignedByte();
    long value = 0;
    for (int i = 0; i < intSize; i++) {
      value |= ((long) d.readUnsignedByte()) << (8 * i);
    }
    return sign == 0 ? value : -value;
  }

  private static Optional<String> readString(DataInputStream d, int intSize) throws IOException {
    long length = readInt(d, intSize);
    if (length < 0) {
      return Optional.empty(); // pg_dump writes -1 for a NULL string
    }
    if (length > MAX_STRING) {
      throw new IOException("not a pg_dump header: a string of " + length + " bytes");
    }
    byte[] bytes = new byte[(int) length];
    d.readFully(bytes);
    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
  }
}
