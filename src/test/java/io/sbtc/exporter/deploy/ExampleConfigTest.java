package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.config.ExporterConfig;
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
    assertTrue(c.signer().isPresent() && c.audit().isPresent() && c.bitcoin().isPresent() && c.stacks().isPresent()
        && c.versions().flatMap(v -> v.releaseFeed()).isPresent() && c.signerDb().isPresent(), c.toString());
    assertEquals(List.of("signer", "bitcoind", "stacks-node"), c.logs().stream().map(l -> l.component()).toList());
    assertTrue(c.backups().get(0).verify().isPresent());
    assertEquals(0600, c.audit().orElseThrow().files().get(0).maxMode());
  }

  @Test
  void everySectionOfTheExamplePrintedByCheckConfigLoadsBack(@TempDir Path tmp) throws IOException {
    ShippedConfig shipped = ShippedConfig.load(EXAMPLE.toString(), everySectionEnabled(), Map.of(), tmp);
    String printed = shipped.assertPrintedConfigLoadsBack(Map.of());
    assertTrue(printed.contains("max_mode: \"0600\""), printed);
    assertFalse(printed.contains("not-a-real-secret"), printed);
  }
}
