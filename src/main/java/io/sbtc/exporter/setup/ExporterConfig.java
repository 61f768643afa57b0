package io.sbtc.exporter.setup;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.config.ConfigText;
import io.sbtc.exporter.config.ListenAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The validated configuration. Only {@link ConfigLoader} makes one, so holding an
 * {@code ExporterConfig} means validation has run. A section that is absent is a source that is
 * neither polled nor shown; each present one is the record of its source package, reached by that
 * record's type: {@code config.section(BitcoinConfig.class)}, {@code config.sections(LogConfig.class)}.
 *
 * @param text the config as read, for printing; it loads back to an equal config
 */
public record ExporterConfig(String file, ListenAddress listenAddress, Optional<Path> webConfigFile, Sections sections, ConfigText text) {

  /** Outside the 9100-9999 range, which the Prometheus default port allocations list has filled. */
  public static final int DEFAULT_PORT = 10184;
  public static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1:" + DEFAULT_PORT;

  static ExporterConfig read(ConfigNode root) {
    String listenText = root.string("listen_address", DEFAULT_LISTEN_ADDRESS);
    ListenAddress listen = ListenAddress.parse(listenText)
        .orElseThrow(() -> root.error("listen_address", "must be host:port like 127.0.0.1:" + DEFAULT_PORT + " (got \"" + listenText + "\")"));
    Optional<Path> webConfig = root.path("web_config_file");
    Sections sections = Sources.read(root);
    root.rejectUnknownKeys();
    return new ExporterConfig(root.file(), listen, webConfig, sections, root.text());
  }

  /** The section of a key that holds one mapping, if the config has it. */
  public <C> Optional<C> section(Class<C> type) {
    return sections.section(type);
  }

  /** The entries of a key that holds a list, none when the config has none. */
  public <C> List<C> sections(Class<C> type) {
    return sections.sections(type);
  }

  /** The same config with the command line's overrides in force, and printed. */
  public ExporterConfig with(Overrides overrides) {
    ListenAddress listen = overrides.listenAddress().orElse(listenAddress);
    Optional<Path> webConfig = overrides.webConfigFile().or(() -> webConfigFile);
    ConfigText printed = text;
    if (overrides.listenAddress().isPresent()) {
      printed = printed.with("listen_address", listen.toString());
    }
    if (overrides.webConfigFile().isPresent()) {
      printed = printed.with("web_config_file", webConfig.orElseThrow().toString());
    }
    return new ExporterConfig(file, listen, webConfig, sections, printed);
  }
}
