package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.audit.AuditConfig;
import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.logs.LogConfig;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.source.release.VersionsConfig;
import io.sbtc.exporter.source.signer.SignerConfig;
import io.sbtc.exporter.source.stacks.StacksConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/config.yml with every commented-out section switched on, as an operator would uncomment it. */
class ExampleConfigTest {
  static final Path EXAMPLE = Path.of("examples/config.yml");
  /** After its "# " or "#", a commented-out line of YAML: a top-level key, or an indented line of a section. */
  private static final Pattern YAML_LINE = Pattern.compile("[a-z_]+:.*|\\s+\\S.*");

  /** Uncomments every commented-out section; prose comments stay comments, alternatives inside a section too. */
  static String everySectionEnabled() throws IOException {
    return Files.readString(EXAMPLE).lines().map(line -> {
      String rest = line.startsWith("# ") ? line.substring(2) : line.startsWith("#") ? line.substring(1) : null;
      return rest != null && YAML_LINE.matcher(rest).matches() ? rest : line;
    }).collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void everySectionOfTheExampleLoads(@TempDir Path tmp) throws IOException {
    ExporterConfig c = ShippedConfig.load(EXAMPLE.toString(), everySectionEnabled(), Map.of(), tmp).config();
    assertTrue(c.section(SignerConfig.class).isPresent() && c.section(AuditConfig.class).isPresent() && c.section(BitcoinConfig.class).isPresent() && c.section(StacksConfig.class).isPresent()
        && c.section(VersionsConfig.class).flatMap(v -> v.releaseFeed()).isPresent() && c.section(SignerDbConfig.class).isPresent(), c.toString());
    assertEquals(List.of("signer", "bitcoind", "stacks-node"), c.sections(LogConfig.class).stream().map(l -> l.component()).toList());
    assertTrue(c.sections(BackupConfig.class).get(0).verify().isPresent());
    assertEquals(0600, c.section(AuditConfig.class).orElseThrow().files().get(0).maxMode());
  }

  @Test
  void everySectionOfTheExamplePrintedByCheckConfigLoadsBack(@TempDir Path tmp) throws IOException {
    ShippedConfig shipped = ShippedConfig.load(EXAMPLE.toString(), everySectionEnabled(), Map.of(), tmp);
    String printed = shipped.assertPrintedConfigLoadsBack(Map.of());
    assertTrue(printed.contains("max_mode: \"0600\""), printed);
    assertFalse(printed.contains("not-a-real-secret"), printed);
  }
}
