package io.sbtc.exporter.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.common.ByteSizes;
import io.sbtc.exporter.common.Durations;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.ListenAddress;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.signer.SignerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  static Stream<Path> invalidConfigs() throws IOException, URISyntaxException {
    Path dir = Path.of(ConfigLoaderTest.class.getResource("/config").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("invalid-")).sorted().toList().stream();
    }
  }

  /** Each invalid-*.yml starts with "# expect: <the exact message, or its start>". */
  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidConfigs")
  void invalidConfigFailsWithFileKeyAndReason(Path file) throws IOException {
    String text = Files.readString(file);
    String expected = text.lines().findFirst().orElseThrow().replaceFirst("^# expect: ", "");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse(file.getFileName().toString(), text, Map.<String, String>of()::get));
    assertTrue(e.getMessage().startsWith(expected), "expected: " + expected + "\n     got: " + e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), "a secret leaked into: " + e.getMessage());
  }

  @Test
  void emptyFileMeansDefaultsAndNoSources() {
    ExporterConfig c = ConfigLoader.parse("empty.yml", "", Map.<String, String>of()::get);
    assertEquals(new ListenAddress("127.0.0.1", 10184), c.listenAddress());
    assertTrue(c.section(SignerConfig.class).isEmpty());
  }

  @Test
  void exampleConfigLoadsWithDocumentedDefaults() {
    ExporterConfig c = ConfigLoader.load(Path.of("examples/config.yml"), Map.<String, String>of()::get);
    SignerConfig s = c.section(SignerConfig.class).orElseThrow();
    assertEquals(URI.create("http://127.0.0.1:9184/metrics"), s.metricsUrl().orElseThrow());
    assertEquals(Duration.ofSeconds(15), s.schedule().interval());
    assertEquals(Duration.ofSeconds(5), s.schedule().timeout());
    assertEquals(16L << 20, s.maxBodySize());
  }

  @Test
  void environmentReferencesAreExpandedWithDefaults() {
    String yaml = """
        listen_address: "${ADDR:-0.0.0.0:10184}"
        signer:
          info_url: "http://${SIGNER_HOST}:8801/info"
          interval: 1m30s
        """;
    ExporterConfig c = ConfigLoader.parse("env.yml", yaml, Map.of("SIGNER_HOST", "signer")::get);
    assertEquals(new ListenAddress("0.0.0.0", 10184), c.listenAddress());
    assertEquals(URI.create("http://signer:8801/info"), c.section(SignerConfig.class).orElseThrow().infoUrl().orElseThrow());
    assertEquals(Duration.ofSeconds(90), c.section(SignerConfig.class).orElseThrow().schedule().interval());
  }

  @Test
  void durationsAcceptEveryDocumentedUnit() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms").orElseThrow());
    assertEquals(Duration.ofSeconds(15), Durations.parse("15s").orElseThrow());
    assertEquals(Duration.ofMinutes(5), Durations.parse("5m").orElseThrow());
    assertEquals(Duration.ofHours(26), Durations.parse("26h").orElseThrow());
    assertEquals(Duration.ofDays(7), Durations.parse("7d").orElseThrow());
    assertTrue(Durations.parse("7").isEmpty());
    assertTrue(Durations.parse("-5s").isEmpty());
    assertEquals("1d2h", Durations.format(Duration.ofHours(26)));
  }

  @Test
  void byteSizesAcceptBinaryAndDecimalUnits() {
    assertEquals(1L << 20, ByteSizes.parse("1MiB").orElseThrow());
    assertEquals(1_000_000L, ByteSizes.parse("1MB").orElseThrow());
    assertEquals(512, ByteSizes.parse("512").orElseThrow());
    assertTrue(ByteSizes.parse("1.5GiB").isEmpty());
  }

  @Test
  void printedConfigMasksCredentialsInUrls(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("c.yml");
    Files.writeString(file, "signer:\n  metrics_url: \"http://scraper:s3cr3t-pw@10.0.0.5:9184/metrics\"\n");
    String printed = ConfigPrinter.toYaml(ConfigLoader.load(file, Map.<String, String>of()::get));
    assertFalse(printed.contains("s3cr3t-pw"), printed);
    assertTrue(printed.contains("http://<secret>@10.0.0.5:9184/metrics"), printed);
  }

  @Test
  void secretFileReadableByOthersIsWarnedAboutAndItsContentNeverLogged(@TempDir Path dir) throws IOException {
    Path password = dir.resolve("btc-password");
    Files.writeString(password, "s3cret-from-file\n");
    Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    java.util.List<String> logged = new java.util.ArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        logged.add(new io.sbtc.exporter.log.LogFormatForTests().format(r));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try {
      ExporterConfig c = ConfigLoader.parse("c.yml",
          "bitcoin:\n  rpc_user: exporter\n  rpc_password_file: \"" + password + "\"\n", Map.<String, String>of()::get);
      assertEquals("s3cret-from-file", c.section(BitcoinConfig.class).orElseThrow().rpcPassword().orElseThrow().reveal());
    } finally {
      root.removeHandler(capture);
    }
    assertEquals(1, logged.size(), logged.toString());
    assertTrue(logged.get(0).contains("level=warn"), logged.get(0));
    assertTrue(logged.get(0).contains("key=bitcoin.rpc_password_file"), logged.get(0));
    assertFalse(logged.get(0).contains("s3cret-from-file"));
  }

  @Test
  void passwordWrittenLiterallyInTheConfigIsRefused() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("c.yml",
        "bitcoin:\n  rpc_user: exporter\n  rpc_password: hunter2\n", Map.<String, String>of()::get));
    assertEquals("c.yml: bitcoin.rpc_password: must not be written in the config file; use rpc_password_file or an environment "
        + "reference like ${RPC_PASSWORD}", e.getMessage());
  }
}
