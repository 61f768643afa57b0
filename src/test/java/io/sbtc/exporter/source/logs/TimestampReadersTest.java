package io.sbtc.exporter.source.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.sbtc.exporter.source.logs.LogConfig.Format;
import io.sbtc.exporter.testing.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every format's reader over real-shaped lines, with the exact instant each must give (epoch values worked out separately). */
class TimestampReadersTest {

  static Stream<Arguments> parsed() {
    return Stream.of(
        // the signer, --output-format json (tracing UtcTime::rfc_3339: 1-9 fraction digits, trailing zeros trimmed)
        Arguments.of(Format.JSON, first("signer-json.log"), 1784710931L, 304817562),
        Arguments.of(Format.JSON, line("signer-json.log", 2), 1784711645L, 261030000),
        Arguments.of(Format.JSON, "{\"timestamp\":\"2026-07-22T09:24:13Z\",\"level\":\"INFO\",\"message\":\"x\",\"target\":\"signer\"}",
            1784712253L, 0),
        // cut short by the read limit after the timestamp: still read
        Arguments.of(Format.JSON, "{\"timestamp\":\"2026-07-22T09:24:13.5508Z\",\"level\":\"ERROR\",\"message\":\"could not pro",
            1784712253L, 550800000),
        // Docker json-file: "time" in Go RFC3339Nano (trailing zeros trimmed)
        Arguments.of(Format.DOCKER_JSON, first("docker-json.log"), 1732864574L, 921868412),
        Arguments.of(Format.DOCKER_JSON, line("docker-json.log", 1), 1732864575L, 304119070),
        Arguments.of(Format.DOCKER_JSON, "{\"log\":\"INFO [1732864575.318442] [main] x\\n\",\"stream\":\"stderr\",\"time\":\"2019-04-30T02:12:41Z\"}",
            1556590361L, 0),
        // Bitcoin Core debug.log, with -logtimemicros, without, and v30's rate-limit marker
        Arguments.of(Format.BITCOIND, first("bitcoind-debug.log"), 1732864574L, 104383000),
        Arguments.of(Format.BITCOIND, line("bitcoind-debug.log", 1), 1732864574L, 412087000),
        Arguments.of(Format.BITCOIND, line("bitcoind-debug-nomicros.log", 2), 1732864580L, 0),
        Arguments.of(Format.BITCOIND, "[*] 2025-01-31T12:34:56Z [net] Added connection peer=3", 1738326896L, 0),
        Arguments.of(Format.BITCOIND, "2025-01-31T12:34:56Z", 1738326896L, 0),
        // Stacks node slog: level, [unix seconds.micros]
        Arguments.of(Format.STACKS, first("stacks-node.log"), 1732864575L, 318442000),
        Arguments.of(Format.STACKS, line("stacks-node.log", 4), 1732864590L, 7734000),
        Arguments.of(Format.STACKS, "ERRO [1738326896.000001] [stackslib/src/net/p2p.rs:1] [p2p] x", 1738326896L, 1000),
        Arguments.of(Format.STACKS, "DEBG [1738326896.123456] [a.rs:1] [ThreadId(7)] x", 1738326896L, 123456000),
        // Stacks node with STACKS_LOG_JSON=1: slog-json's "ts" key, RFC 3339 (stacks-core 4.0.2
        // stacks-common/src/util/log.rs:207,218; slog-json 2.6.1 add_default_keys); the json format reads it too
        Arguments.of(Format.STACKS, first("stacks-node-json.log"), 1732864575L, 318442000),
        Arguments.of(Format.STACKS, line("stacks-node-json.log", 3), 1732864590L, 7734000),
        Arguments.of(Format.JSON, first("stacks-node-json.log"), 1732864575L, 318442000),
        // any line starting with RFC 3339: the signer's default pretty output, offsets, colours on a TTY
        Arguments.of(Format.RFC3339, first("signer-pretty.log"), 1784710931L, 304817562),
        Arguments.of(Format.RFC3339, line("signer-pretty.log", 4), 1784712253L, 550800000),
        Arguments.of(Format.RFC3339, "2025-01-31T14:34:56+02:00 started", 1738326896L, 0),
        Arguments.of(Format.RFC3339, "\u001B[2m2026-07-22T09:02:11.304817562Z\u001B[0m \u001B[32m INFO\u001B[0m \u001B[1msigner\u001B[0m: x",
            1784710931L, 304817562),
        Arguments.of(Format.RFC3339, "\uFEFF2025-01-31T12:34:56Z first line of a file with a BOM", 1738326896L, 0),
        Arguments.of(Format.RFC3339, first("bitcoind-debug-nomicros.log"), 1732864574L, 0));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("parsed")
  void readsTheLinesOwnTimestamp(Format format, String line, long epochSecond, int nanos) {
    Instant expected = Instant.ofEpochSecond(epochSecond, nanos);
    assertEquals(Optional.of(expected), TimestampReaders.of(format).read(line));
    assertEquals(Optional.of(expected), TimestampReaders.of(Format.AUTO).read(line), "auto detects the format");
  }

  static Stream<Arguments> journald() {
    return Stream.of(
        Arguments.of(line("journalctl.json", 0), 1738326896L, 123456000),
        Arguments.of(line("journalctl.json", 1), 1738327496L, 654321000),
        // systemd before ~v240 put spaces around the colons
        Arguments.of("{ \"__CURSOR\" : \"s=1;i=2\", \"__REALTIME_TIMESTAMP\" : \"1738326896000001\", \"MESSAGE\" : \"x\" }",
            1738326896L, 1000));
  }

  @ParameterizedTest
  @MethodSource("journald")
  void readsJournalctlJson(String line, long epochSecond, int nanos) {
    assertEquals(Optional.of(Instant.ofEpochSecond(epochSecond, nanos)), JournaldTimestamp.parse(line));
  }

  static Stream<Arguments> notParsed() {
    return Stream.of(
        Arguments.of(Format.JSON, "{\"timestamp\":null,\"level\":\"INFO\"}"),
        Arguments.of(Format.JSON, "{\"timestamp\":1738326896,\"level\":\"INFO\"}"),
        Arguments.of(Format.JSON, "{\"level\":\"INFO\",\"spans\":[{\"timestamp\":\"2026-07-22T09:02:11Z\"}]}"),
        Arguments.of(Format.JSON, "{\"timestamp\":\"2026-13-01T00:00:00Z\"}"),
        Arguments.of(Format.JSON, "{\"timestamp\":\"2026-07-22 9:14:07.482913651 +00:00:00\"}"),
        Arguments.of(Format.JSON, first("docker-json.log")),
        Arguments.of(Format.JSON, "[\"2026-07-22T09:02:11Z\"]"),
        Arguments.of(Format.DOCKER_JSON, first("signer-json.log")),
        Arguments.of(Format.DOCKER_JSON, "{\"log\":\"x\\n\",\"stream\":\"stdout\"}"),
        Arguments.of(Format.BITCOIND, "2024-11-29T07:16:14.41Z two fraction digits are not bitcoind's"),
        Arguments.of(Format.BITCOIND, "2024-11-29 07:16:14 not ISO 8601"),
        Arguments.of(Format.BITCOIND, first("stacks-node.log")),
        Arguments.of(Format.STACKS, "INFO [abc] [main] x"),
        Arguments.of(Format.STACKS, "Nov 29 07:16:23.441906 INFO pretty format has no year"),
        Arguments.of(Format.STACKS, "INFO [1738326896] [main] no micros"),
        Arguments.of(Format.STACKS, first("bitcoind-debug.log")),
        // the signer's JSON has "timestamp"; only the json and auto formats read that
        Arguments.of(Format.STACKS, first("signer-json.log")),
        Arguments.of(Format.STACKS, "{\"msg\":\"x\",\"level\":\"INFO\",\"ts\":1732864575}"),
        Arguments.of(Format.RFC3339, "2024-11-29T07:16:14Z[net] no space after the time"),
        Arguments.of(Format.RFC3339, "2024-11-29T25:00:00Z hour 25"),
        Arguments.of(Format.RFC3339, "2016-12-31T23:59:60Z leap second"),
        Arguments.of(Format.RFC3339, "  2024-11-29T07:16:14Z indented"),
        Arguments.of(Format.RFC3339, "at 2024-11-29T07:16:14Z something happened"),
        Arguments.of(Format.RFC3339, first("stacks-node.log")),
        Arguments.of(Format.MTIME, first("bitcoind-debug.log")),
        Arguments.of(Format.AUTO, "thread 'main' panicked at src/main.rs:1:1:"),
        Arguments.of(Format.AUTO, "\u0000\u0000\u0000\u0000"),
        Arguments.of(Format.AUTO, ""),
        Arguments.of(Format.AUTO, "{"),
        Arguments.of(Format.AUTO, null));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("notParsed")
  void findsNothingInLinesOfOtherShapes(Format format, String line) {
    assertEquals(Optional.empty(), TimestampReaders.of(format).read(line));
  }

  @Test
  void journaldLinesWithoutAUsableTimestamp() {
    assertEquals(Optional.empty(), JournaldTimestamp.parse("{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"x\"}"));
    assertEquals(Optional.empty(), JournaldTimestamp.parse("{\"__REALTIME_TIMESTAMP\":1738326896123456}"));
    assertEquals(Optional.empty(), JournaldTimestamp.parse("{\"__REALTIME_TIMESTAMP\":\"-5\"}"));
    assertEquals(Optional.empty(), JournaldTimestamp.parse("{\"__REALTIME_TIMESTAMP\":\"99999999999999999999\"}"));
    assertEquals(Optional.empty(), JournaldTimestamp.parse("-- No entries --"));
  }

  /** The exported value is the double nearest to the decimal timestamp, the same as Prometheus parsing the text would give. */
  @Test
  void exportedSecondsAreTheNearestDouble() {
    assertEquals(1732864575.318442, LogMetrics.seconds(Instant.ofEpochSecond(1732864575L, 318442000)));
    assertEquals(1784710931.304817562, LogMetrics.seconds(Instant.ofEpochSecond(1784710931L, 304817562)));
    assertEquals(1738326896.0, LogMetrics.seconds(Instant.ofEpochSecond(1738326896L)));
    assertEquals(604800.0, LogMetrics.seconds(java.time.Duration.ofDays(7)));
  }

  /** The readers are fuzz targets: mangled real lines must give a value or empty, never an exception. */
  @Test
  void mangledLinesNeverThrow() {
    List<String> seeds = new ArrayList<>();
    for (String f : List.of("signer-json.log", "signer-pretty.log", "docker-json.log", "bitcoind-debug.log", "stacks-node.log",
        "stacks-node-json.log", "journalctl.json")) {
      seeds.addAll(Fixtures.text("logs/" + f).lines().toList());
    }
    List<TimestampReader> readers = new ArrayList<>();
    for (Format f : Format.values()) {
      readers.add(TimestampReaders.of(f));
    }
    readers.add(JournaldTimestamp.READER);
    Random random = new Random(4);
    String alphabet = "{}[]\":,.-+TZ :0123456789\\u\u001B\u0000\uFEFF\n\rabc";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits && s.length() > 0; e++) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
          case 1 -> s.setLength(at);
          default -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      for (TimestampReader r : readers) {
        assertNotNull(r.read(s.toString()), s.toString());
      }
    }
  }

  static String first(String fixture) {
    return line(fixture, 0);
  }

  static String line(String fixture, int index) {
    return Fixtures.text("logs/" + fixture).lines().skip(index).findFirst().orElseThrow();
  }
}
