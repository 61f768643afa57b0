package io.sbtc.exporter.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.stacks.StacksConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The bitcoin: and stacks: sections: defaults, and one exact message per kind of mistake. */
class NodeConfigTest {
  static final Map<String, String> ENV = Map.of("BTC_RPC_PASSWORD", "hunter2-from-env");

  static ExporterConfig parse(String yaml) {
    return ConfigLoader.parse("config.yml", yaml, ENV::get);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("bitcoin: 5", "config.yml: bitcoin: must be a mapping (got \"5\")"),
        Arguments.of("bitcoin: {interval: 15s}", "config.yml: bitcoin: needs cookie_file, or rpc_user with rpc_password or rpc_password_file"),
        Arguments.of("bitcoin: {cookie_file: /c, interval: 0s}", "config.yml: bitcoin.interval: must be > 0 (got \"0s\")"),
        Arguments.of("bitcoin: {cookie_file: /c, timeout: 0s}", "config.yml: bitcoin.timeout: must be > 0 (got \"0s\")"),
        Arguments.of("bitcoin: {cookie_file: /c, timeout: 20s}", "config.yml: bitcoin.timeout: must not be longer than interval 15s (got \"20s\")"),
        Arguments.of("bitcoin: {cookie_file: /c, interval: soon}",
            "config.yml: bitcoin.interval: must be a duration like 500ms, 15s, 5m, 26h or 7d (got \"soon\")"),
        Arguments.of("bitcoin: {cookie_file: /c, rpc_pasword: x}", "config.yml: bitcoin.rpc_pasword: unknown key"),
        Arguments.of("bitcoin: {cookie_file: /c, rpc_url: \"ftp://node:8332\"}",
            "config.yml: bitcoin.rpc_url: must be a URL starting with http:// or https:// (got \"ftp://node:8332\")"),
        Arguments.of("bitcoin: {cookie_file: /c, rpc_url: \"http://u:hunter2@node:8332\"}",
            "config.yml: bitcoin.rpc_url: must not contain credentials; use rpc_user with rpc_password_file, or cookie_file"),
        Arguments.of("bitcoin: {rpc_user: u, rpc_password: hunter2}",
            "config.yml: bitcoin.rpc_password: must not be written in the config file; use rpc_password_file or an environment reference like ${RPC_PASSWORD}"),
        Arguments.of("bitcoin: {rpc_user: u, rpc_password: \"${NOT_SET}\"}",
            "config.yml: bitcoin.rpc_password: environment variable NOT_SET is not set"),
        Arguments.of("bitcoin: {rpc_user: u, rpc_password_file: /nonexistent/btc}",
            "config.yml: bitcoin.rpc_password_file: cannot read /nonexistent/btc (NoSuchFileException)"),
        Arguments.of("bitcoin: {rpc_user: u, rpc_password: \"${BTC_RPC_PASSWORD}\", rpc_password_file: /p}",
            "config.yml: bitcoin.rpc_password: set either rpc_password or rpc_password_file, not both"),
        Arguments.of("bitcoin: {rpc_user: u}", "config.yml: bitcoin.rpc_user: needs rpc_password or rpc_password_file"),
        Arguments.of("bitcoin: {rpc_password: \"${BTC_RPC_PASSWORD}\"}", "config.yml: bitcoin.rpc_user: is required with rpc_password"),
        Arguments.of("bitcoin: {rpc_user: u, rpc_password: \"${BTC_RPC_PASSWORD}\", cookie_file: /c}",
            "config.yml: bitcoin.cookie_file: set either cookie_file or rpc_user with a password, not both"),
        Arguments.of("stacks: 5", "config.yml: stacks: must be a mapping (got \"5\")"),
        Arguments.of("stacks: {url: \"http://127.0.0.1:20443\"}", "config.yml: stacks.url: unknown key"),
        Arguments.of("stacks: {rpc_url: \"127.0.0.1:20443\"}",
            "config.yml: stacks.rpc_url: must be a URL starting with http:// or https:// (got \"127.0.0.1:20443\")"),
        Arguments.of("stacks: {interval: 2s, timeout: 3s}",
            "config.yml: stacks.timeout: must not be longer than interval 2s (got \"3s\")"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidSectionIsRefusedWithAnExactMessage(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertEquals(message, e.getMessage());
    assertFalse(e.getMessage().contains("hunter2-from-env"));
  }

  @Test
  void defaults() {
    ExporterConfig c = parse("bitcoin: {cookie_file: /var/lib/bitcoind/.cookie}\nstacks: {}");
    BitcoinConfig b = c.section(BitcoinConfig.class).orElseThrow();
    assertEquals(URI.create("http://127.0.0.1:8332"), b.rpcUrl());
    assertEquals(Optional.of(Path.of("/var/lib/bitcoind/.cookie")), b.cookieFile());
    assertEquals(new Schedule(Duration.ofSeconds(15), Duration.ofSeconds(5)), b.schedule());
    assertEquals(URI.create("http://127.0.0.1:20443"), c.section(StacksConfig.class).orElseThrow().rpcUrl());
    assertEquals(new Schedule(Duration.ofSeconds(15), Duration.ofSeconds(5)), c.section(StacksConfig.class).orElseThrow().schedule());
  }

  @Test
  void shortIntervalShortensTheDefaultTimeout() {
    assertEquals(new Schedule(Duration.ofSeconds(2), Duration.ofSeconds(2)),
        parse("stacks: {interval: 2s}").section(StacksConfig.class).orElseThrow().schedule());
  }

  @Test
  void passwordFromTheEnvironmentIsKeptButNeverPrinted() {
    ExporterConfig c = parse("bitcoin: {rpc_user: exporter, rpc_password: \"${BTC_RPC_PASSWORD}\"}");
    assertEquals("hunter2-from-env", c.section(BitcoinConfig.class).orElseThrow().rpcPassword().orElseThrow().reveal());
    String printed = ConfigPrinter.toYaml(c);
    assertTrue(printed.contains("rpc_password: \"${BTC_RPC_PASSWORD}\""), "the reference, which reads back:\n" + printed);
    assertFalse(printed.contains("hunter2"), printed);
  }
}
