package io.sbtc.exporter.setup;

import io.sbtc.exporter.config.ConfigText;
import io.sbtc.exporter.setup.ExporterConfig;

/**
 * Prints the effective config as YAML for {@code --check-config}: what the loader recorded while
 * reading it ({@link ConfigText}), so the printout loads back to the same config.
 */
public final class ConfigPrinter {
  private ConfigPrinter() {}

  public static String toYaml(ExporterConfig config) {
    return config.text().yaml();
  }
}
