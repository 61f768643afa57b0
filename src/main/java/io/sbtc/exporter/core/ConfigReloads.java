package io.sbtc.exporter.core;

import java.time.Instant;

/**
 * How the reloads of the config went, for {@code sbtc_exporter_config_last_reload_*}. Immutable:
 * each outcome makes a new one, which is also how a scrape sees that something changed.
 *
 * <p>Two kinds of reload are recorded: a reload asked for (SIGHUP or POST /-/reload), which reads
 * the config file and the web config file, and the web config file's own reload when it or its TLS
 * files change. The last reload counts as successful only when neither's latest attempt failed, so
 * a certificate that changed and could not be loaded is not hidden by an unrelated success.
 *
 * @param lastSuccess when the config in force was last read without a problem: the start, or since
 */
public record ConfigReloads(boolean configLoaded, boolean webConfigLoaded, Instant lastSuccess) {
  public static final String SUCCESSFUL = "sbtc_exporter_config_last_reload_successful";
  public static final String SUCCESS_TIMESTAMP = "sbtc_exporter_config_last_reload_success_timestamp_seconds";

  /** The config read at start, which succeeded, or the exporter would not run. */
  public static ConfigReloads startedAt(Instant now) {
    return new ConfigReloads(true, true, now);
  }

  /** The outcome of a reload asked for, which read both files. */
  public ConfigReloads reloaded(boolean succeeded, Instant now) {
    return succeeded ? new ConfigReloads(true, true, now) : new ConfigReloads(false, webConfigLoaded, lastSuccess);
  }

  /** The outcome of the web config's reload after its files changed. */
  public ConfigReloads webConfigReloaded(boolean succeeded, Instant now) {
    return new ConfigReloads(configLoaded, succeeded, succeeded && configLoaded ? now : lastSuccess);
  }

  public boolean lastSuccessful() {
    return configLoaded && webConfigLoaded;
  }
}
