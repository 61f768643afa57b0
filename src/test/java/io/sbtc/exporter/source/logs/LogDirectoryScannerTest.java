package io.sbtc.exporter.source.logs;

import static io.sbtc.exporter.source.logs.LogTrees.bitcoind;
import static io.sbtc.exporter.source.logs.LogTrees.docker;
import static io.sbtc.exporter.source.logs.LogTrees.lines;
import static io.sbtc.exporter.source.logs.LogTrees.signerJson;
import static io.sbtc.exporter.source.logs.LogTrees.sizes;
import static io.sbtc.exporter.source.logs.LogTrees.stacks;
import static io.sbtc.exporter.source.logs.LogTrees.write;
import static io.sbtc.exporter.source.logs.LogTrees.writeBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.logs.LogConfig.Format;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogDirectoryScannerTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration HOUR = Duration.ofHours(1);
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private final LogTrees.CountingOpener opener = new LogTrees.CountingOpener();

  @TempDir
  Path dir;

  private LogScan scan(String glob, Format format) {
    return new LogDirectoryScanner(dir, glob, format, opener).scan(Deadline.after(Duration.ofMinutes(1)));
  }

  /** logrotate daily, rotate 7, compress, delaycompress: signer.log, signer.log.1, signer.log.2.gz ... signer.log.7.gz. */
  @Test
  void eightDaysOfRotatedAndGzippedFilesReachBackEightDays() {
    List<Path> files = new ArrayList<>();
    for (int day = 0; day < 8; day++) {
      String name = day == 0 ? "signer.log" : day == 1 ? "signer.log.1" : "signer.log." + day + ".gz";
      Instant from = now.minus(DAY.multipliedBy(day + 1));
      Instant to = now.minus(DAY.multipliedBy(day));
      files.add(write(dir.resolve(name), lines(LogTrees::signerJson, from, to, HOUR), to.minusSeconds(1)));
    }
    LogScan scan = scan("signer.log*", Format.AUTO);

    assertEquals(Optional.of(now.minus(Duration.ofDays(8))), scan.oldestEntry());
    assertEquals(Optional.of(now.minusSeconds(1)), scan.lastWrite());
    assertEquals(8, scan.files());
    assertEquals(sizes(files.toArray(Path[]::new)), scan.bytes());
    assertEquals(0, scan.unparsedFiles());
    assertEquals(List.of("signer.log.7.gz"), opener.opened(), "only the oldest file is read");
  }

  /**
   * Whoever can write to the log directory must not make the exporter open or count files
   * elsewhere: a link out of it is reported and left alone, whatever it points at.
   */
  @Test
  void aLinkOutOfTheDirectoryIsNotFollowed(@TempDir Path elsewhere) throws IOException {
    Path inside = write(dir.resolve("signer.log"), lines(LogTrees::signerJson, now.minus(DAY), now, HOUR), now);
    Path outside = write(elsewhere.resolve("old.log"), lines(LogTrees::signerJson, now.minus(DAY.multipliedBy(30)), now.minus(DAY), HOUR),
        now.minus(DAY.multipliedBy(20)));
    Files.createSymbolicLink(dir.resolve("signer.log.9"), outside);
    Files.createSymbolicLink(dir.resolve("signer.log.8"), elsewhere);
    LogScan scan = scan("signer.log*", Format.JSON);
    assertEquals(Optional.of(now.minus(DAY)), scan.oldestEntry(), "the file outside was read");
    assertEquals(1, scan.files());
    assertEquals(sizes(inside), scan.bytes());
    assertEquals(List.of("signer.log"), opener.opened());
    assertEquals(List.of(dir.resolve("signer.log.8") + " is a link out of " + dir + "; not followed",
        dir.resolve("signer.log.9") + " is a link out of " + dir + "; not followed"),
        scan.problems().stream().map(Throwable::getMessage).sorted().toList());
  }

  /** A link to a file of the same directory (a "current" name) is an ordinary file. */
  @Test
  void aLinkWithinTheDirectoryIsFollowed() throws IOException {
    Path real = write(dir.resolve("signer.log.2026-07-22"), lines(LogTrees::signerJson, now.minus(DAY), now, HOUR), now);
    Files.createSymbolicLink(dir.resolve("current"), real.getFileName());
    LogScan scan = scan("current", Format.JSON);
    assertEquals(Optional.of(now.minus(DAY)), scan.oldestEntry());
    assertEquals(List.of(), scan.problems());
  }

  @Test
  void twoDaysOfLogsReachBackTwoDays() {
    write(dir.resolve("signer.log"), lines(LogTrees::signerJson, now.minus(DAY), now, HOUR), now);
    write(dir.resolve("signer.log.1"), lines(LogTrees::signerJson, now.minus(DAY.multipliedBy(2)), now.minus(DAY), HOUR),
        now.minus(DAY));
    LogScan scan = scan("signer.log*", Format.JSON);
    assertEquals(Optional.of(now.minus(Duration.ofDays(2))), scan.oldestEntry());
    assertEquals(2, scan.files());
  }

  /** Copying or compressing after the fact gives an old file a new mtime; the first line still says how far back it reaches. */
  @Test
  void aRotatedFileWithARecentMtimeStillReachesBackToItsFirstLine() {
    write(dir.resolve("signer.log"), lines(LogTrees::signerJson, now.minus(HOUR), now, Duration.ofMinutes(5)),
        now.minusSeconds(30));
    write(dir.resolve("signer.log.1"), lines(LogTrees::signerJson, now.minus(Duration.ofDays(9)), now.minus(HOUR), HOUR),
        now.minusSeconds(10)); // newer than the current file's mtime
    LogScan scan = scan("signer.log*", Format.AUTO);
    assertEquals(Optional.of(now.minus(Duration.ofDays(9))), scan.oldestEntry());
    assertEquals(Optional.of(now.minusSeconds(10)), scan.lastWrite());
  }

  @Test
  void aLogThatStoppedAnHourAgoShowsItsLastWrite() {
    write(dir.resolve("debug.log"), lines(LogTrees::bitcoind, now.minus(Duration.ofDays(3)), now.minus(HOUR), Duration.ofMinutes(10)),
        now.minus(HOUR));
    LogScan scan = scan("debug.log*", Format.BITCOIND);
    assertEquals(Optional.of(now.minus(HOUR)), scan.lastWrite());
    assertEquals(Optional.of(now.minus(Duration.ofDays(3))), scan.oldestEntry());
  }

  @Test
  void anEmptyFileIsCountedButNotReadAndNotUnparsed() {
    Path empty = write(dir.resolve("signer.log.2"), List.of(), now.minus(Duration.ofDays(5)));
    Path one = write(dir.resolve("signer.log.1"), lines(LogTrees::signerJson, now.minus(Duration.ofDays(3)), now.minus(DAY), HOUR),
        now.minus(DAY));
    Path current = write(dir.resolve("signer.log"), List.of(), now.minus(DAY));
    LogScan scan = scan("signer.log*", Format.AUTO);
    assertEquals(Optional.of(now.minus(Duration.ofDays(3))), scan.oldestEntry());
    assertEquals(3, scan.files());
    assertEquals(sizes(empty, one, current), scan.bytes());
    assertEquals(0, scan.unparsedFiles());
    assertEquals(List.of("signer.log.1"), opener.opened());
  }

  @Test
  void aBinaryOldestFileIsUnparsedAndTheNextOldestCounts() {
    byte[] junk = new byte[10_000];
    new Random(7).nextBytes(junk);
    writeBytes(dir.resolve("signer.log.3"), junk, now.minus(Duration.ofDays(4)));
    write(dir.resolve("signer.log.2"), lines(LogTrees::signerJson, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)), HOUR),
        now.minus(Duration.ofDays(2)));
    write(dir.resolve("signer.log.1"), lines(LogTrees::signerJson, now.minus(Duration.ofDays(2)), now.minus(DAY), HOUR),
        now.minus(DAY));
    LogScan scan = scan("signer.log*", Format.AUTO);
    assertEquals(Optional.of(now.minus(Duration.ofDays(3))), scan.oldestEntry());
    assertEquals(1, scan.unparsedFiles());
    assertEquals(List.of("signer.log.3", "signer.log.2"), opener.opened());
  }

  @Test
  void filesWithoutTimestampsAreUnparsedAndLeaveTheOldestEntryUnknown() {
    write(dir.resolve("app.log"), List.of("starting", "listening on 0.0.0.0:8801"), now);
    write(dir.resolve("app.log.1"), List.of("thread 'main' panicked at src/main.rs:1:1:", "note: run with RUST_BACKTRACE=1"),
        now.minus(DAY));
    write(dir.resolve("app.log.2.gz"), List.of("no times here either"), now.minus(DAY.multipliedBy(2)));
    LogScan scan = scan("app.log*", Format.AUTO);
    assertEquals(Optional.empty(), scan.oldestEntry());
    assertEquals(3, scan.unparsedFiles());
    assertEquals(Optional.of(now), scan.lastWrite());
  }

  /** A format that does not match is the same as no timestamps; only the first 16 files are read. */
  @Test
  void aWrongFormatReadsAtMostSixteenFiles() {
    for (int i = 1; i <= 20; i++) {
      write(dir.resolve("signer.log." + i), List.of(signerJson(now.minus(DAY.multipliedBy(i)))), now.minus(DAY.multipliedBy(i)));
    }
    LogScan scan = scan("signer.log*", Format.STACKS);
    assertEquals(Optional.empty(), scan.oldestEntry());
    assertEquals(LogDirectoryScanner.MAX_FILES_READ, scan.unparsedFiles());
    assertEquals(20, scan.files());
    assertEquals(LogDirectoryScanner.MAX_FILES_READ, opener.opened().size());
  }

  /** 2 GiB of nothing (sparse): the scan reads a bounded prefix, so time and memory do not grow with the file. */
  @Test
  void aTwoGigabyteSparseFileCostsABoundedRead() throws IOException {
    Path sparse = dir.resolve("signer.log.2");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(2L << 30);
    }
    Path huge = dir.resolve("signer.log.1");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.write((signerJson(now.minus(Duration.ofDays(6))) + "\n").getBytes(StandardCharsets.UTF_8));
      f.setLength(2L << 30); // a real first line, then 2 GiB without a newline
    }
    write(dir.resolve("signer.log"), List.of(signerJson(now.minus(DAY))), now);

    LogScan scan = scan("signer.log*", Format.AUTO);

    assertEquals(Optional.of(now.minus(Duration.ofDays(6))), scan.oldestEntry());
    assertEquals(1, scan.unparsedFiles());
    assertEquals((2L << 30) * 2 + Files.size(dir.resolve("signer.log")), scan.bytes());
    assertEquals(List.of("signer.log.2", "signer.log.1"), opener.opened());
    for (Map.Entry<String, Long> read : opener.bytesRead.entrySet()) {
      assertTrue(read.getValue() <= FirstLines.MAX_BYTES, read.getKey() + ": read " + read.getValue() + " bytes");
    }
  }

  /** The reader's bound holds for compressed files too: what is counted is what comes off the disk. */
  @Test
  void aLargeGzippedFileWithoutNewlinesCostsABoundedRead() throws IOException {
    Path gz = dir.resolve("signer.log.2.gz");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      byte[] block = new byte[1 << 20];
      java.util.Arrays.fill(block, (byte) 'x');
      for (int i = 0; i < 64; i++) {
        out.write(block); // 64 MiB of one line
      }
    }
    write(dir.resolve("signer.log.1"), List.of(signerJson(now.minus(Duration.ofDays(2)))), now.minus(DAY));
    LogScan scan = scan("signer.log*", Format.AUTO);
    assertEquals(Optional.of(now.minus(Duration.ofDays(2))), scan.oldestEntry());
    assertEquals(1, scan.unparsedFiles());
    // 64 KiB of 'x' inflate from a few dozen compressed bytes; the gzip stream takes 8 KiB pieces of the file.
    assertTrue(opener.bytesRead.get("signer.log.2.gz") <= 16 * 1024, opener.bytesRead.toString());
  }

  @Test
  void bitcoindWritesBlankLinesAtEachStart() {
    List<String> text = new ArrayList<>(Collections.nCopies(5, ""));
    text.addAll(lines(LogTrees::bitcoind, now.minus(Duration.ofDays(10)), now, DAY));
    write(dir.resolve("debug.log"), text, now);
    assertEquals(Optional.of(now.minus(Duration.ofDays(10))), scan("debug.log", Format.BITCOIND).oldestEntry());
  }

  @Test
  void aGzipCutShortStillGivesItsFirstLines() throws IOException {
    Path gz = write(dir.resolve("signer.log.2.gz"), lines(LogTrees::signerJson, now.minus(Duration.ofDays(8)), now.minus(DAY), HOUR),
        now.minus(DAY));
    byte[] all = Files.readAllBytes(gz);
    writeBytes(gz, java.util.Arrays.copyOf(all, all.length / 2), now.minus(DAY));
    assertEquals(Optional.of(now.minus(Duration.ofDays(8))), scan("signer.log*", Format.JSON).oldestEntry());
  }

  /** /var/lib/docker/containers/<id>/: the json-file logs next to the container's own files, rotated by max-size/max-file. */
  @Test
  void dockerJsonFileLayout() {
    String id = "4f2a9c0e7b1d3f5a";
    write(dir.resolve("config.v2.json"), List.of("{\"ID\":\"" + id + "\"}"), now.minus(Duration.ofDays(30)));
    write(dir.resolve("hostconfig.json"), List.of("{}"), now.minus(Duration.ofDays(30)));
    write(dir.resolve(id + "-json.log"), lines(LogTrees::docker, now.minus(HOUR), now, Duration.ofMinutes(1)), now);
    write(dir.resolve(id + "-json.log.1"), lines(LogTrees::docker, now.minus(Duration.ofHours(5)), now.minus(HOUR),
        Duration.ofMinutes(1)), now.minus(HOUR));
    write(dir.resolve(id + "-json.log.2.gz"), lines(LogTrees::docker, now.minus(Duration.ofHours(9)), now.minus(Duration.ofHours(5)),
        Duration.ofMinutes(1)), now.minus(Duration.ofHours(5)));
    LogScan scan = scan(id + "-json.log*", Format.DOCKER_JSON);
    assertEquals(Optional.of(now.minus(Duration.ofHours(9))), scan.oldestEntry());
    assertEquals(3, scan.files());
  }

  @Test
  void logrotateDateextFilesAreOrderedByTheirDate() {
    write(dir.resolve("stacks-node.log"), List.of(stacks(now.minus(HOUR))), now);
    write(dir.resolve("stacks-node.log-20250131"), List.of(stacks(now.minus(DAY))), now.minus(Duration.ofMinutes(5)));
    write(dir.resolve("stacks-node.log-20250129.gz"), List.of(stacks(now.minus(Duration.ofDays(3)))), now.minus(Duration.ofMinutes(1)));
    write(dir.resolve("stacks-node.log-20250130.gz"), List.of(stacks(now.minus(Duration.ofDays(2)))), now.minus(Duration.ofMinutes(9)));
    LogScan scan = scan("stacks-node.log*", Format.STACKS);
    assertEquals(Optional.of(now.minus(Duration.ofDays(3))), scan.oldestEntry());
    assertEquals(List.of("stacks-node.log-20250129.gz"), opener.opened());
  }

  @Test
  void rotationOrderIsOldestFirst() {
    List<LogFile> files = new ArrayList<>();
    for (String name : List.of("signer.log", "signer.log.1", "signer.log.10.gz", "signer.log.2.gz", "signer.log.9")) {
      files.add(new LogFile(dir.resolve(name), 1, now));
    }
    files.sort(LogFile.OLDEST_FIRST);
    assertEquals(List.of("signer.log.10.gz", "signer.log.9", "signer.log.2.gz", "signer.log.1", "signer.log"),
        files.stream().map(f -> f.path().getFileName().toString()).toList());
  }

  /** format: mtime reads no lines; the oldest non-empty file's mtime is a lower bound on how far back the logs reach. */
  @Test
  void mtimeFormatUsesTheOldestModificationTimeAndReadsNothing() {
    write(dir.resolve("app.log"), List.of("x"), now);
    write(dir.resolve("app.log.1"), List.of("x"), now.minus(Duration.ofDays(4)));
    write(dir.resolve("app.log.2"), List.of(), now.minus(Duration.ofDays(40)));
    LogScan scan = scan("app.log*", Format.MTIME);
    assertEquals(Optional.of(now.minus(Duration.ofDays(4))), scan.oldestEntry());
    assertEquals(0, scan.unparsedFiles());
    assertEquals(List.of(), opener.opened());
  }

  @Test
  void noMatchingFilesIsAnHonestZero() {
    write(dir.resolve("other.log"), List.of(bitcoind(now)), now);
    LogScan scan = scan("debug.log*", Format.AUTO);
    assertEquals(0, scan.files());
    assertEquals(0, scan.bytes());
    assertEquals(Optional.empty(), scan.oldestEntry());
    assertEquals(Optional.empty(), scan.lastWrite());
  }

  @Test
  void aMissingDirectoryFailsTheScan() {
    Path missing = dir.resolve("no-such-dir");
    SourceException e = assertThrows(SourceException.class,
        () -> new LogDirectoryScanner(missing, "*", Format.AUTO, opener).scan(Deadline.after(Duration.ofMinutes(1))));
    assertEquals(ErrorReason.OTHER, e.reason());
    assertEquals("log directory " + missing + " does not exist", e.getMessage());
  }

  /**
   * An unreadable directory, simulated: tests run as root, and chmod 000 does not stop root, so a
   * path that is a file stands in for a directory the exporter cannot list.
   */
  @Test
  void aPathThatIsNotADirectoryFailsTheScan() {
    Path file = write(dir.resolve("signer.log"), List.of(signerJson(now)), now);
    SourceException e = assertThrows(SourceException.class,
        () -> new LogDirectoryScanner(file, "*", Format.AUTO, opener).scan(Deadline.after(Duration.ofMinutes(1))));
    assertEquals(ErrorReason.OTHER, e.reason());
    assertEquals("log path " + file + " is not a directory", e.getMessage());
  }
}
