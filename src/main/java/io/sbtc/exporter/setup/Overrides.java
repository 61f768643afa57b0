package io.sbtc.exporter.setup;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.ListenAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The command-line flags that override keys of the config file ({@code --web.listen-address},
 * {@code --web.config.file}), applied in one step ({@link ExporterConfig#with}) at start and at
 * every reload.
 */
public record Overrides(Optional<ListenAddress> listenAddress, Optional<Path> webConfigFile) {
  public static final Overrides NONE = new Overrides(Optional.empty(), Optional.empty());

  /** @throws ConfigException for a listen address that is not host:port */
  public static Overrides of(Optional<String> listenAddress, Optional<String> webConfigFile) {
    Optional<ListenAddress> listen = listenAddress.map(text -> ListenAddress.parse(text).orElseThrow(() ->
        new ConfigException("--web.listen-address: must be host:port (got \"" + text + "\")")));
    return new Overrides(listen, webConfigFile.map(Path::of));
  }

  public static Overrides listenAddress(ListenAddress address) {
    return new Overrides(Optional.of(address), Optional.empty());
  }
}
