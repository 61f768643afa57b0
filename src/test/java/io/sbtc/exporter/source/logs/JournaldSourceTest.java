package io.sbtc.exporter.source.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.testing.Fixtures;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * journald entries. The parsing of journalctl's JSON is tested in {@link TimestampReadersTest}
 * over a fixture; here a stand-in journalctl (a script that prints the fixture) drives the whole
 * source, so everything but the real binary is tested on every machine. The last test runs the
 * real journalctl where it is installed (and fails on CI without it).
 */
class JournaldSourceTest {
  private static final String NEWEST = Fixtures.text("logs/journalctl.json").lines().toList().get(1);
  private static final String OLDEST = Fixtures.text("logs/journalctl.json").lines().toList().get(0);

  @TempDir
  Path dir;

  /** A journalctl stand-in: --reverse prints the newest entry; otherwise the whole journal, which never ends here. */
  private Path fakeJournalctl(String body) throws IOException {
    Path script = dir.resolve("journalctl");
    Files.writeString(script, "#!/bin/sh\necho \"$@\" >> '" + dir.resolve("args.log") + "'\n" + body);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("newest.json"), NEWEST + "\n");
    Files.writeString(dir.resolve("oldest.json"), OLDEST + "\n" + NEWEST + "\n");
    return script;
  }

  private static final String WHOLE_JOURNAL = """
      case "$*" in
        *--reverse*) cat "$(dirname "$0")/newest.json" ;;
        *) cat "$(dirname "$0")/oldest.json"; exec sleep 60 ;;
      esac
      """;

  @Test
  void exportsTheOldestAndNewestEntryOfTheUnit() throws IOException {
    Path journalctl = fakeJournalctl(WHOLE_JOURNAL);
    String yaml = """
        logs:
          - component: signer
            source: journald
            unit: sbtc-signer.service
            journalctl: "%s"
            min_retention: 7d
            max_silence: 15m
        """.formatted(journalctl);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(1.0, s.get("sbtc_exporter_source_up{source=\"logs:signer\"}"));
      assertEquals(1738326896.123456, s.get("sbtc_logs_oldest_entry_timestamp_seconds{component=\"signer\"}"));
      assertEquals(1738327496.654321, s.get("sbtc_logs_last_write_timestamp_seconds{component=\"signer\"}"));
      assertEquals(604800.0, s.get("sbtc_logs_min_retention_seconds{component=\"signer\"}"));
      assertEquals(900.0, s.get("sbtc_logs_max_silence_seconds{component=\"signer\"}"));
      assertFalse(s.has("sbtc_logs_files{component=\"signer\"}"), "the journal has no files of its own to count");
      assertFalse(s.has("sbtc_logs_bytes{component=\"signer\"}"));
    }
    assertEquals(List.of(
            "--unit=sbtc-signer.service --output=json --no-pager --quiet --lines=1 --reverse",
            "--unit=sbtc-signer.service --output=json --no-pager --quiet"),
        Files.readAllLines(dir.resolve("args.log")), "arguments as a list, no shell");
  }

  @Test
  void aUnitWithoutEntriesIsUpWithoutTimestamps() throws IOException {
    Path journalctl = fakeJournalctl("exit 0\n");
    Journalctl.Span span = new Journalctl(journalctl.toString(), "sbtc-signer.service").span(Deadline.after(Duration.ofSeconds(10)));
    assertEquals(new Journalctl.Span(Optional.empty(), Optional.empty()), span);
  }

  @Test
  void aFailingJournalctlIsASourceDownWithItsMessage() throws IOException {
    Path journalctl = fakeJournalctl("echo 'Failed to add filter for units: No data available' >&2\nexit 1\n");
    String yaml = "logs:\n  - {component: signer, source: journald, unit: sbtc-signer.service, journalctl: \"%s\"}\n"
        .formatted(journalctl);
    try (RunningExporter exporter = RunningExporter.start(yaml)) {
      Scrape s = exporter.awaitReady().scrape();
      assertEquals(0.0, s.get("sbtc_exporter_source_up{source=\"logs:signer\"}"));
      assertEquals(1.0, s.get("sbtc_exporter_source_errors_total{reason=\"other\",source=\"logs:signer\"}"));
      assertFalse(s.has("sbtc_logs_min_retention_seconds{component=\"signer\"}"));
      assertTrue(exporter.get("/").body().contains(
          "journalctl --unit=sbtc-signer.service exited with status 1: Failed to add filter for units: No data available"));
    }
  }

  @Test
  void noJournalFilesIsAnErrorNotAnEmptyJournal() throws IOException {
    Path journalctl = fakeJournalctl("echo 'No journal files were opened due to insufficient permissions.' >&2\nexit 0\n");
    SourceException e = assertThrows(SourceException.class,
        () -> new Journalctl(journalctl.toString(), "sbtc-signer.service").span(Deadline.after(Duration.ofSeconds(10))));
    assertEquals(ErrorReason.OTHER, e.reason());
    assertEquals("journalctl --unit=sbtc-signer.service printed no entries: No journal files were opened due to insufficient permissions.",
        e.getMessage());
  }

  @Test
  void entriesWithoutATimestampAreAParseError() throws IOException {
    Path journalctl = fakeJournalctl("echo '{\"__CURSOR\":\"s=1\",\"__REALTIME_TIMESTAMP\":null,\"MESSAGE\":\"x\"}'\n");
    SourceException e = assertThrows(SourceException.class,
        () -> new Journalctl(journalctl.toString(), "sbtc-signer.service").span(Deadline.after(Duration.ofSeconds(10))));
    assertEquals(ErrorReason.PARSE, e.reason());
    assertEquals("journalctl --unit=sbtc-signer.service printed a line without __REALTIME_TIMESTAMP", e.getMessage());
  }

  @Test
  void aJournalctlThatHangsIsKilledAtTheTimeout() throws IOException {
    Path journalctl = fakeJournalctl("exec sleep 60\n");
    SourceException e = assertThrows(SourceException.class,
        () -> new Journalctl(journalctl.toString(), "sbtc-signer.service").span(Deadline.after(Duration.ofMillis(300))));
    assertEquals(ErrorReason.TIMEOUT, e.reason());
  }

  @Test
  void aMissingBinaryIsAClearError() {
    SourceException e = assertThrows(SourceException.class,
        () -> new Journalctl(dir.resolve("no-journalctl").toString(), "x.service").span(Deadline.after(Duration.ofSeconds(5))));
    assertEquals(ErrorReason.OTHER, e.reason());
    assertTrue(e.getMessage().startsWith("cannot run " + dir.resolve("no-journalctl") + " (IOException)"), e.getMessage());
  }

  /**
   * The real journalctl accepts these arguments and, for a unit that does not exist, answers with
   * no entries. Skipped where journalctl is not installed, except on CI, where it must be.
   */
  @Test
  void realJournalctlAcceptsTheArguments() {
    Optional<Path> binary = onPath("journalctl");
    if (binary.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        fail("journalctl is not installed; CI must run this test against the real binary");
      }
      Assumptions.abort("journalctl is not installed here");
    }
    try {
      Journalctl.Span span = new Journalctl(binary.get().toString(), "sbtc-exporter-test-no-such-unit.service")
          .span(Deadline.after(Duration.ofSeconds(20)));
      assertEquals(new Journalctl.Span(Optional.empty(), Optional.empty()), span);
    } catch (SourceException e) {
      // A user who may not read the journal gets this after journalctl has accepted the arguments.
      assertTrue(e.getMessage().contains("insufficient permissions"), e.getMessage());
    }
  }

  private static Optional<Path> onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
