package io.sbtc.exporter.source.logs;

import static io.sbtc.exporter.source.logs.LogTrees.lines;
import static io.sbtc.exporter.source.logs.LogTrees.sizes;
import static io.sbtc.exporter.source.logs.LogTrees.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The logs:<component> sources through the real exporter: what a scrape shows for generated log trees. */
class LogsSourceTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration HOUR = Duration.ofHours(1);
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @TempDir
  Path root;

  @Test
  void exportsRetentionPerComponent() throws IOException {
    Path signerDir = Files.createDirectories(root.resolve("sbtc-signer"));
    List<Path> signerFiles = new ArrayList<>();
    for (int day = 0; day < 8; day++) {
      String name = day == 0 ? "signer.log" : day == 1 ? "signer.log.1" : "signer.log." + day + ".gz";
      Instant to = now.minus(DAY.multipliedBy(day));
      signerFiles.add(write(signerDir.resolve(name), lines(LogTrees::signerJson, to.minus(DAY), to, HOUR), to.minusSeconds(5)));
    }
    Path bitcoinDir = Files.createDirectories(root.resolve("bitcoin"));
    Path debugLog = write(bitcoinDir.resolve("debug.log"),
        lines(LogTrees::bitcoind, now.minus(Duration.ofDays(2)), now.minus(HOUR), Duration.ofMinutes(10)), now.minus(HOUR));
    write(bitcoinDir.resolve("debug.log.1"), List.of("\u0000\u0001 not a log line"), now.minus(Duration.ofDays(3)));
    write(bitcoinDir.resolve("settings.json"), List.of("{}"), now.minus(Duration.ofDays(30)));

    String yaml = """
        logs:
          - component: signer
            path: "%s"
            pattern: "signer.log*"
            format: auto
            min_retention: 7d
            max_silence: 15m
          - component: bitcoind
            path: "%s"
            pattern: "debug.log*"
            format: bitcoind
            min_retention: 90d
        """.formatted(signerDir, bitcoinDir);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"logs:signer\"}"));
      assertEquals(now.minus(Duration.ofDays(8)).getEpochSecond(), s.get("sbtc_logs_oldest_entry_timestamp_seconds{component=\"signer\"}"));
      assertEquals(now.minusSeconds(5).getEpochSecond(), s.get("sbtc_logs_last_write_timestamp_seconds{component=\"signer\"}"));
      assertEquals(sizes(signerFiles.toArray(Path[]::new)), s.get("sbtc_logs_bytes{component=\"signer\"}"));
      assertEquals(8.0, s.get("sbtc_logs_files{component=\"signer\"}"));
      assertEquals(0.0, s.get("sbtc_logs_unparsed_files{component=\"signer\"}"));
      assertEquals(604800.0, s.get("sbtc_logs_min_retention_seconds{component=\"signer\"}"));
      assertEquals(900.0, s.get("sbtc_logs_max_silence_seconds{component=\"signer\"}"));

      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"logs:bitcoind\"}"));
      assertEquals(now.minus(Duration.ofDays(2)).getEpochSecond(),
          s.get("sbtc_logs_oldest_entry_timestamp_seconds{component=\"bitcoind\"}"));
      assertEquals(now.minus(HOUR).getEpochSecond(), s.get("sbtc_logs_last_write_timestamp_seconds{component=\"bitcoind\"}"));
      assertEquals(sizes(debugLog, bitcoinDir.resolve("debug.log.1")), s.get("sbtc_logs_bytes{component=\"bitcoind\"}"));
      assertEquals(2.0, s.get("sbtc_logs_files{component=\"bitcoind\"}"));
      assertEquals(1.0, s.get("sbtc_logs_unparsed_files{component=\"bitcoind\"}"));
      assertEquals(7776000.0, s.get("sbtc_logs_min_retention_seconds{component=\"bitcoind\"}"));
      assertEquals(3600.0, s.get("sbtc_logs_max_silence_seconds{component=\"bitcoind\"}"), "the default max_silence");

      assertEquals(List.of("# TYPE sbtc_logs_files gauge"), s.lines("# TYPE sbtc_logs_files"), "one family for both sources");
    }
  }

  @Test
  void aMissingDirectoryIsASourceDownNotAZero() throws IOException {
    Path present = Files.createDirectories(root.resolve("stacks"));
    write(present.resolve("stacks-node.log"), List.of(LogTrees.stacks(now.minus(DAY))), now);
    Path missing = root.resolve("no-such-dir");
    String yaml = """
        logs:
          - {component: stacks-node, path: "%s", pattern: "stacks-node.log*"}
          - {component: signer, path: "%s", pattern: "signer.log*"}
        """.formatted(present, missing);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"logs:signer\"}"));
      assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"other\",source=\"logs:signer\"}"));
      for (String family : List.of(LogMetrics.FILES, LogMetrics.BYTES, LogMetrics.OLDEST, LogMetrics.LAST_WRITE, LogMetrics.UNPARSED,
          LogMetrics.MIN_RETENTION, LogMetrics.MAX_SILENCE)) {
        assertFalse(s.has(family + "{component=\"signer\"}"), family + " must be absent, not a zero that looks fine");
      }
      assertTrue(exporter.get("/").body().contains("log directory " + missing + " does not exist"), "the landing page says why");
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"logs:stacks-node\"}"));
      assertEquals(now.minus(DAY).getEpochSecond(), s.get("sbtc_logs_oldest_entry_timestamp_seconds{component=\"stacks-node\"}"));
    }
  }

  /** Lines whose timestamp field is missing or null hold no time: that file is unparsed and the next oldest one counts. */
  @Test
  void linesWithNullOrMissingTimestampsAreUnparsed() throws IOException {
    Path dir = Files.createDirectories(root.resolve("signer"));
    write(dir.resolve("signer.log.2"), List.of("{\"timestamp\":null,\"level\":\"INFO\",\"message\":\"x\"}",
        "{\"level\":\"INFO\",\"message\":\"no timestamp field\"}"), now.minus(Duration.ofDays(3)));
    write(dir.resolve("signer.log.1"), List.of(LogTrees.signerJson(now.minus(Duration.ofDays(2)))), now.minus(DAY));
    String yaml = "logs:\n  - {component: signer, path: \"%s\", pattern: \"signer.log*\", format: json}\n".formatted(dir);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"logs:signer\"}"));
      assertEquals(1.0, s.get("sbtc_logs_unparsed_files{component=\"signer\"}"));
      assertEquals(now.minus(Duration.ofDays(2)).getEpochSecond(), s.get("sbtc_logs_oldest_entry_timestamp_seconds{component=\"signer\"}"));
    }
  }

  /** A directory with none of the files: the count says 0 and the oldest entry is absent (the alert rules catch both). */
  @Test
  void noFilesYetIsUpWithZeroFilesAndNoTimestamps() throws IOException {
    Path dir = Files.createDirectories(root.resolve("empty"));
    String yaml = "logs:\n  - {component: signer, path: \"%s\", pattern: \"signer.log*\"}\n".formatted(dir);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"logs:signer\"}"));
      assertEquals(0.0, s.get("sbtc_logs_files{component=\"signer\"}"));
      assertEquals(0.0, s.get("sbtc_logs_bytes{component=\"signer\"}"));
      assertFalse(s.has("sbtc_logs_oldest_entry_timestamp_seconds{component=\"signer\"}"));
      assertFalse(s.has("sbtc_logs_last_write_timestamp_seconds{component=\"signer\"}"));
      assertEquals(604800.0, s.get("sbtc_logs_min_retention_seconds{component=\"signer\"}"));
    }
  }
}
