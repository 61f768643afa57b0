package io.sbtc.exporter.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.logs.LogConfig.Format;
import io.sbtc.exporter.source.logs.LogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LogConfigTest {

  static ExporterConfig parse(String yaml) {
    return ConfigLoader.parse("config.yml", yaml, name -> null);
  }

  @Test
  void filesEntryWithDefaults() {
    LogConfig c = parse("""
        logs:
          - component: signer
            path: /var/log/sbtc-signer
            pattern: "signer.log*"
        """).sections(LogConfig.class).get(0);
    assertEquals(new LogConfig.Files("signer", Path.of("/var/log/sbtc-signer"), "signer.log*", Format.AUTO,
        Duration.ofDays(7), Duration.ofHours(1), new Schedule(Duration.ofSeconds(60), Duration.ofSeconds(10))), c);
    assertEquals("logs:signer", c.sourceName());
  }

  @Test
  void everyKeySet() {
    List<LogConfig> logs = parse("""
        logs:
          - component: bitcoind
            path: /var/lib/bitcoind
            pattern: "debug.log*"
            format: bitcoind
            min_retention: 90d
            max_silence: 15m
            interval: 5m
            timeout: 30s
          - component: stacks-node
            source: journald
            unit: stacks-node.service
            journalctl: /usr/bin/journalctl
        """).sections(LogConfig.class);
    assertEquals(2, logs.size());
    LogConfig.Files files = (LogConfig.Files) logs.get(0);
    assertEquals(Format.BITCOIND, files.format());
    assertEquals(Duration.ofDays(90), logs.get(0).minRetention());
    assertEquals(Duration.ofMinutes(15), logs.get(0).maxSilence());
    assertEquals(new Schedule(Duration.ofMinutes(5), Duration.ofSeconds(30)), logs.get(0).schedule());
    assertEquals(new LogConfig.Journald("stacks-node", "stacks-node.service", "/usr/bin/journalctl", Duration.ofDays(7),
        Duration.ofHours(1), new Schedule(Duration.ofSeconds(60), Duration.ofSeconds(10))), logs.get(1));
  }

  @Test
  void everyFormatName() {
    for (String name : List.of("auto", "json", "bitcoind", "stacks", "docker-json", "rfc3339", "mtime")) {
      LogConfig c = parse("logs:\n  - {component: c, path: /tmp, pattern: \"*\", format: " + name + "}\n").sections(LogConfig.class).get(0);
      assertEquals(name, ((LogConfig.Files) c).format().key());
    }
  }

  @Test
  void journaldDefaultsToJournalctlOnThePath() {
    LogConfig c = parse("logs:\n  - {component: signer, source: journald, unit: sbtc-signer.service}\n").sections(LogConfig.class).get(0);
    assertEquals("journalctl", ((LogConfig.Journald) c).journalctl());
  }

  @Test
  void printsBackAsConfig() {
    String printed = ConfigPrinter.toYaml(parse("logs:\n  - {component: signer, path: /var/log/s, pattern: \"s.log*\", format: docker-json}\n"));
    assertEquals(true, printed.contains("format: \"docker-json\""), printed);
    assertEquals(true, printed.contains("source: \"files\""), printed);
    assertEquals(true, printed.contains("min_retention: \"7d\""), printed);
  }

  /** What --check-config prints is a config that reads back the same. */
  @Test
  void printedConfigReadsBackTheSame() {
    ExporterConfig config = parse("""
        logs:
          - {component: signer, path: /var/log/s, pattern: "s.log*", format: docker-json, max_silence: 15m}
          - {component: stacks-node, source: journald, unit: stacks-node.service, min_retention: 90d, interval: 5m}
        """);
    assertEquals(config, parse(ConfigPrinter.toYaml(config)));
  }

  static Stream<Arguments> invalid() {
    String entry = "logs:\n  - component: signer\n    path: /var/log/s\n    pattern: \"s.log*\"\n";
    return Stream.of(
        Arguments.of("logs: {component: signer}\n", "config.yml: logs: must be a list (got a mapping)"),
        Arguments.of("logs:\n  - signer\n", "config.yml: logs[0]: must be a mapping (got \"signer\")"),
        Arguments.of("logs:\n  - {path: /var/log/s, pattern: \"*\"}\n", "config.yml: logs[0].component: is required"),
        Arguments.of("logs:\n  - {component: \"\", path: /var/log/s, pattern: \"*\"}\n", "config.yml: logs[0].component: is required"),
        Arguments.of(entry + "  - {component: signer, path: /other, pattern: \"*\"}\n",
            "config.yml: logs[1].component: \"signer\" is already used by logs[0]"),
        Arguments.of("logs:\n  - {component: signer, pattern: \"*\"}\n",
            "config.yml: logs[0].path: is required (the directory that holds the log files)"),
        Arguments.of("logs:\n  - {component: signer, path: /var/log/s}\n",
            "config.yml: logs[0].pattern: is required (a file name glob like \"signer.log*\")"),
        Arguments.of("logs:\n  - {component: signer, path: /var/log, pattern: \"s/signer.log*\"}\n",
            "config.yml: logs[0].pattern: must match file names in path, not paths (got \"s/signer.log*\")"),
        Arguments.of("logs:\n  - {component: signer, path: /var/log/s, pattern: \"signer.log[\"}\n",
            "config.yml: logs[0].pattern: is not a valid glob (got \"signer.log[\")"),
        Arguments.of(entry + "    format: xml\n",
            "config.yml: logs[0].format: must be one of auto, json, bitcoind, stacks, docker-json, rfc3339, mtime (got \"xml\")"),
        Arguments.of(entry + "    source: syslog\n", "config.yml: logs[0].source: must be files or journald (got \"syslog\")"),
        Arguments.of(entry + "    unit: sbtc-signer.service\n", "config.yml: logs[0].unit: only applies to source journald"),
        Arguments.of(entry + "    journalctl: /bin/journalctl\n", "config.yml: logs[0].journalctl: only applies to source journald"),
        Arguments.of(entry + "    min_retention: 0s\n", "config.yml: logs[0].min_retention: must be > 0 (got \"0s\")"),
        Arguments.of(entry + "    min_retention: a week\n",
            "config.yml: logs[0].min_retention: must be a duration like 500ms, 15s, 5m, 26h or 7d (got \"a week\")"),
        Arguments.of(entry + "    max_silence: -1m\n",
            "config.yml: logs[0].max_silence: must be a duration like 500ms, 15s, 5m, 26h or 7d (got \"-1m\")"),
        Arguments.of(entry + "    interval: 10s\n    timeout: 1m\n",
            "config.yml: logs[0].timeout: must not be longer than interval 10s (got \"1m\")"),
        Arguments.of(entry + "    retention: 7d\n", "config.yml: logs[0].retention: unknown key"),
        Arguments.of("logs:\n  - {component: signer, source: journald}\n",
            "config.yml: logs[0].unit: is required when source is journald"),
        Arguments.of("logs:\n  - {component: signer, source: journald, unit: \"sbtc signer\"}\n",
            "config.yml: logs[0].unit: must be a systemd unit name like sbtc-signer.service (got \"sbtc signer\")"),
        Arguments.of("logs:\n  - {component: signer, source: journald, unit: s.service, path: /var/log}\n",
            "config.yml: logs[0].path: only applies to source files (this entry has source journald)"),
        Arguments.of("logs:\n  - {component: signer, source: journald, unit: s.service, pattern: \"*\"}\n",
            "config.yml: logs[0].pattern: only applies to source files (this entry has source journald)"),
        Arguments.of("logs:\n  - {component: signer, source: journald, unit: s.service, format: json}\n",
            "config.yml: logs[0].format: only applies to source files (this entry has source journald)"),
        Arguments.of("logs:\n  - {component: signer, source: journald, unit: s.service, journalctl: \" \"}\n",
            "config.yml: logs[0].journalctl: must be the path of the journalctl binary"),
        Arguments.of("logs:\n  - {component: \"a\\tb\", path: /var/log/s, pattern: \"*\"}\n",
            "config.yml: logs[0].component: must not contain control characters"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void rejectsWithAnExactMessage(String yaml, String message) {
    assertEquals(message, assertThrows(ConfigException.class, () -> parse(yaml)).getMessage());
  }
}
