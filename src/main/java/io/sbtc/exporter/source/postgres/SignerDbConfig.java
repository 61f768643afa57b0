package io.sbtc.exporter.source.postgres;

import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.config.PgUrl;
import io.sbtc.exporter.core.Schedule;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code signer_db:} section: the signer's own PostgreSQL database, read with SELECT only.
 *
 * @param password from {@code password} (an environment reference) or {@code password_file};
 *     absent when the server trusts the exporter's user (peer or trust authentication)
 * @param signerPublicKey this signer's public key (compressed, 33 bytes), whose rows in the signer's
 *     decision tables are its votes; absent to have the exporter find it in the database
 */
public record SignerDbConfig(PgUrl url, Optional<Secret> password, Schedule schedule, Optional<String> signerPublicKey) {
  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(60), Duration.ofSeconds(10));
  private static final Pattern COMPRESSED_KEY = Pattern.compile("0[23][0-9a-f]{64}");

  public static SignerDbConfig read(ConfigNode node) {
    PgUrl url = PgUrl.parse(node, "url");
    Optional<Secret> password = node.secret("password");
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    Optional<String> key = node.optString("signer_public_key").map(k -> k.strip().toLowerCase(Locale.ROOT));
    if (key.isPresent() && !COMPRESSED_KEY.matcher(key.get()).matches()) {
      throw node.error("signer_public_key",
          "must be the signer's compressed public key, 66 hex digits starting with 02 or 03 (got \"" + key.get() + "\")");
    }
    node.rejectUnknownKeys();
    return new SignerDbConfig(url, password, schedule, key);
  }

  /** The configured key as bytes, as the signer stores keys in its tables. */
  public Optional<byte[]> signerPublicKeyBytes() {
    return signerPublicKey.map(HexFormat.of()::parseHex);
  }
}
