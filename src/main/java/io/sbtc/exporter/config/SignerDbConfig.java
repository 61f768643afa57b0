package io.sbtc.exporter.config;

import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.common.Secret;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code signer_db:} section: the signer's own PostgreSQL database, read with SELECT only.
 *
 * @param password from {@code password} (an environment reference) or {@code password_file};
 *     absent when the server trusts the exporter's user (peer or trust authentication)
 */
public record SignerDbConfig(PgUrl url, Optional<Secret> password, Schedule schedule) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static SignerDbConfig read(ConfigNode node) {
    PgUrl url = PgUrl.parse(node, "url");
    Optional<Secret> password = node.secret("password");
    Schedule schedule = node.schedule(Schedule.of(DEFAULT_INTERVAL, DEFAULT_TIMEOUT));
    node.rejectUnknownKeys();
    return new SignerDbConfig(url, password, schedule);
  }
}
