package io.sbtc.exporter.source.postgres;

import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.config.PgUrl;
import io.sbtc.exporter.core.Schedule;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code signer_db:} section: the signer's own PostgreSQL database, read with SELECT only.
 *
 * @param password from {@code password} (an environment reference) or {@code password_file};
 *     absent when the server trusts the exporter's user (peer or trust authentication)
 */
public record SignerDbConfig(PgUrl url, Optional<Secret> password, Schedule schedule) {
  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(60), Duration.ofSeconds(10));

  public static SignerDbConfig read(ConfigNode node) {
    PgUrl url = PgUrl.parse(node, "url");
    Optional<Secret> password = node.secret("password");
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    node.rejectUnknownKeys();
    return new SignerDbConfig(url, password, schedule);
  }
}
