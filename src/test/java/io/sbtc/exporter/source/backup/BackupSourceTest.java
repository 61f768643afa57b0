package io.sbtc.exporter.source.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Backup freshness: files on disk in, {@code sbtc_backup_*} out. */
class BackupSourceTest {
  @TempDir
  Path dir;

  private Scrape scrape(String path, String pattern) {
    String yaml = """
        backups:
          - name: signer-db
            path: "%s"
            pattern: "%s"
            max_age: 26h
            min_size: 1MiB
            interval: 1m
        """.formatted(path, pattern);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      return exporter.awaitReady().scrape();
    }
  }

  private Path backup(String name, int bytes, String modified) throws IOException {
    Path p = Files.write(dir.resolve(name), new byte[bytes]);
    Files.setLastModifiedTime(p, FileTime.from(Instant.parse(modified)));
    return p;
  }

  @Test
  void newestMatchingFileByModificationTime() throws IOException {
    backup("signer-20260720.dump", 2_000_000, "2026-07-20T03:00:41Z");
    backup("signer-20260721.dump", 2_100_000, "2026-07-21T03:00:39Z");
    // Newest by time even though its name sorts first: the name does not decide.
    backup("signer-manual.dump", 2_200_000, "2026-07-21T09:12:05Z");
    backup("wallet-20260722.dump", 9_000_000, "2026-07-22T03:00:00Z");
    Files.createDirectory(dir.resolve("signer-old.dump"));

    Scrape s = scrape(dir.toString(), "signer-*.dump");
    assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"backup:signer-db\"}"));
    assertEquals(Instant.parse("2026-07-21T09:12:05Z").getEpochSecond(), s.get("sbtc_backup_last_timestamp_seconds{backup=\"signer-db\"}"));
    assertEquals(2_200_000.0, s.get("sbtc_backup_last_size_bytes{backup=\"signer-db\"}"));
    assertEquals(3.0, s.get("sbtc_backup_files{backup=\"signer-db\"}"));
    assertEquals(26 * 3600.0, s.get("sbtc_backup_max_age_seconds{backup=\"signer-db\"}"));
    assertEquals(1_048_576.0, s.get("sbtc_backup_min_size_bytes{backup=\"signer-db\"}"));
  }

  @Test
  void backupOlderThanMaxAgeShowsItsAgeAgainstTheExportedLimit() throws IOException {
    Instant old = Instant.now().minus(Duration.ofHours(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    backup("signer-20260720.dump", 2_000_000, old.toString());
    Scrape s = scrape(dir.toString(), "signer-*.dump");
    double last = s.get("sbtc_backup_last_timestamp_seconds{backup=\"signer-db\"}");
    assertEquals(old.getEpochSecond(), last);
    // The documented alert: time() - sbtc_backup_last_timestamp_seconds > sbtc_backup_max_age_seconds
    assertTrue(Instant.now().getEpochSecond() - last > s.get("sbtc_backup_max_age_seconds{backup=\"signer-db\"}"));
  }

  @Test
  void smallBackupIsReportedWithTheExportedMinimum() throws IOException {
    backup("signer-20260721.dump", 4096, "2026-07-21T03:00:39Z");
    Scrape s = scrape(dir.toString(), "signer-*.dump");
    assertEquals(4096.0, s.get("sbtc_backup_last_size_bytes{backup=\"signer-db\"}"));
    assertTrue(s.get("sbtc_backup_last_size_bytes{backup=\"signer-db\"}") < s.get("sbtc_backup_min_size_bytes{backup=\"signer-db\"}"));
  }

  @Test
  void missingDirectoryIsAnErrorNotAZero() {
    Scrape s = scrape(dir.resolve("not-mounted").toString(), "signer-*.dump");
    assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"backup:signer-db\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"other\",source=\"backup:signer-db\"}"));
    assertFalse(s.has("sbtc_backup_files{backup=\"signer-db\"}"));
    assertFalse(s.has("sbtc_backup_last_timestamp_seconds{backup=\"signer-db\"}"));
  }

  @Test
  void emptyDirectoryIsAnError() throws IOException {
    backup("wallet-20260722.dump", 100, "2026-07-22T03:00:00Z");
    Scrape s = scrape(dir.toString(), "signer-*.dump");
    assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"backup:signer-db\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"other\",source=\"backup:signer-db\"}"));
    assertFalse(s.has("sbtc_backup_last_size_bytes{backup=\"signer-db\"}"));
  }

  @Test
  void linkToAVanishedBackupIsAnError() throws IOException {
    backup("signer-20260720.dump", 2_000_000, "2026-07-20T03:00:41Z");
    Files.createSymbolicLink(dir.resolve("signer-latest.dump"), dir.resolve("signer-20260721.dump"));
    Scrape s = scrape(dir.toString(), "signer-*.dump");
    assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"backup:signer-db\"}"));
    assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"other\",source=\"backup:signer-db\"}"));
  }

  @Test
  void severalBackupsShareTheFamilies() throws IOException {
    Path a = Files.createDirectory(dir.resolve("a"));
    Path b = Files.createDirectory(dir.resolve("b"));
    Files.write(a.resolve("signer.dump"), new byte[10]);
    Files.write(b.resolve("wal.tar"), new byte[20]);
    String yaml = """
        backups:
          - name: signer-db
            path: "%s"
          - name: wal
            path: "%s"
            pattern: "*.tar"
        """.formatted(a, b);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(10.0, s.get("sbtc_backup_last_size_bytes{backup=\"signer-db\"}"));
      assertEquals(20.0, s.get("sbtc_backup_last_size_bytes{backup=\"wal\"}"));
      assertEquals(1, s.lines("# TYPE sbtc_backup_last_size_bytes ").size());
    }
  }
}
