package io.sbtc.exporter.source.disk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The disk source against this machine's real filesystems, checked against Java's FileStore and df. */
@Timeout(60)
class DiskSourceTest {
  @TempDir
  Path dir;

  private Vertx vertx;

  @AfterEach
  void closeVertx() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  static String series(String name, Path path) {
    return name + "{path=\"" + path + "\"}";
  }

  /** df's inode columns: the same statfs(2), printed by another program. */
  static long[] dfInodes(Path path) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("df", "--output=itotal,iavail", path.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "df failed: " + out);
    String[] f = out.strip().lines().skip(1).findFirst().orElseThrow().strip().split("\\s+");
    return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
  }

  @Test
  void diskPathsAndLogDirectoriesAreWatchedAndMatchWhatJavaAndDfSee() throws Exception {
    Path data = Files.createDirectory(dir.resolve("bitcoin"));
    Path logs = Files.createDirectory(dir.resolve("logs"));
    String yaml = """
        disk:
          paths: ["%s"]
          interval: 1h
        logs:
          - component: signer
            path: "%s"
            pattern: "*.log"
        """.formatted(data, logs);
    Scrape s;
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      s = exporter.awaitReady().scrape();
    }
    assertEquals(1.0, s.up("disk"));
    FileStore store = Files.getFileStore(data);
    for (Path p : List.of(data, logs)) {
      assertEquals((double) store.getTotalSpace(), s.get(series("sbtc_disk_size_bytes", p)), p.toString());
      // Other programs on this machine write meanwhile: free space agrees to within 256 MiB.
      assertEquals((double) store.getUsableSpace(), s.get(series("sbtc_disk_available_bytes", p)), 256.0 * (1 << 20), p.toString());
    }
    long[] df = dfInodes(data);
    if (df[0] > 0) {
      assertEquals((double) df[0], s.get(series("sbtc_disk_inodes", data)));
      assertEquals((double) df[1], s.get(series("sbtc_disk_inodes_free", data)), 100_000.0);
    } else {
      assertFalse(s.has(series("sbtc_disk_inodes", data)), "no inode count on a filesystem without one");
    }
  }

  @Test
  void missingPathCostsOnlyItsOwnSeries() throws Exception {
    Path gone = dir.resolve("not-mounted");
    String yaml = """
        disk:
          paths: ["%s", "%s"]
          interval: 1h
        """.formatted(gone, dir);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(1.0, s.up("disk"));
      assertEquals(1.0, s.errors("disk", "other"));
      assertTrue(s.has(series("sbtc_disk_available_bytes", dir)));
      assertFalse(s.has(series("sbtc_disk_available_bytes", gone)));
    }
  }

  @Test
  void noReadablePathIsASourceDown() {
    Path gone = dir.resolve("not-mounted");
    String yaml = """
        disk:
          paths: ["%s"]
          interval: 1h
        """.formatted(gone);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, s.up("disk"));
      assertEquals(1.0, s.errors("disk", "other"));
      assertTrue(exporter.get("/").body().contains(gone + ": stat -f exited with status 1"), "the landing page names the path");
    }
  }

  /** A stat stuck on a hung network mount is killed before the poll's timeout; the other paths are still read. */
  @Test
  void hangingStatIsKilledAtTheDeadline() throws Exception {
    Path fake = script("hanging-stat", "#!/bin/sh\ncase \"$5\" in */slow) exec sleep 30;; esac\nexec stat \"$@\"\n");
    SourceSnapshot snapshot = poll(new DiskSource(List.of(dir.resolve("slow"), dir), fake.toString()), Duration.ofSeconds(2));
    assertEquals(1, snapshot.partialErrors().size());
    assertEquals(ErrorReason.TIMEOUT, snapshot.partialErrors().get(0).reason());
    assertTrue(snapshot.partialErrors().get(0).getMessage().startsWith(dir.resolve("slow") + ": stat -f did not finish"));
    // The paths' stats ran side by side: the hung one cost the other nothing.
    assertTrue(snapshot.gauge("sbtc_disk_size_bytes").isEmpty(), "series are labelled by path");
    assertEquals(1, snapshot.metrics().stream().filter(f -> f.getMetadata().getName().equals("sbtc_disk_size_bytes")).count());
  }

  @Test
  void statThatPrintsNonsenseIsAParseError() throws Exception {
    Path fake = script("odd-stat", "#!/bin/sh\necho 'Blocks: Total: 1 Free: 2'\n");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> poll(new DiskSource(List.of(dir), fake.toString()), Duration.ofSeconds(5)));
    assertEquals(ErrorReason.PARSE, ((SourceException) e.getCause()).reason());
  }

  /** btrfs and many network filesystems report 0 inodes: no fixed number, so no inode series rather than a 0 that alerts. */
  @Test
  void filesystemWithoutInodeCountHasNoInodeSeries() {
    StatFs.Usage u = StatFs.parse("4096 1000 250 0 0\n", dir);
    assertEquals(4_096_000, u.sizeBytes());
    assertEquals(1_024_000, u.availableBytes());
    assertTrue(u.inodes().isEmpty() && u.inodesFree().isEmpty());
    assertThrows(SourceException.class, () -> StatFs.parse("4096 1000 -1 10 5", dir));
    assertThrows(SourceException.class, () -> StatFs.parse("0 1000 250 10 5", dir));
  }

  private Vertx vertx() {
    vertx = Vertx.vertx();
    return vertx;
  }

  private Path script(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  /** One poll as the core runs it: on a worker, with a Poll of this timeout. */
  private SourceSnapshot poll(DiskSource source, Duration timeout) throws Exception {
    return Source.onWorker(vertx(), source::readAll).poll(Poll.start(timeout))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
