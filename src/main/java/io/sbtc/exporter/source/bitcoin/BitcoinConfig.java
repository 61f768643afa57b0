package io.sbtc.exporter.source.bitcoin;

import io.sbtc.exporter.common.Secret;
import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code bitcoin:} section: Bitcoin Core's JSON-RPC endpoint and how to log in to it, either
 * with {@code rpc_user} and a password, or with the node's cookie file (read at poll time, because
 * bitcoind writes a new cookie at every start).
 */
public record BitcoinConfig(
    URI rpcUrl,
    Optional<String> rpcUser,
    Optional<Secret> rpcPassword,
    Optional<Path> cookieFile,
    Schedule schedule,
    Optional<Path> tlsCaFile) {

  public static final String DEFAULT_RPC_URL = "http://127.0.0.1:8332";
  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(15), Duration.ofSeconds(5));

  public static BitcoinConfig read(ConfigNode node) {
    URI url = node.httpUrl("rpc_url", DEFAULT_RPC_URL);
    if (url.getRawUserInfo() != null) {
      throw node.error("rpc_url", "must not contain credentials; use rpc_user with rpc_password_file, or cookie_file");
    }
    Optional<String> user = node.optString("rpc_user").filter(s -> !s.isEmpty());
    Optional<Secret> password = node.secret("rpc_password");
    Optional<Path> cookie = node.path("cookie_file");
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    Optional<Path> ca = node.readableFile("tls_ca_file");
    node.rejectUnknownKeys();
    if (cookie.isPresent() && (user.isPresent() || password.isPresent())) {
      throw node.error("cookie_file", "set either cookie_file or rpc_user with a password, not both");
    }
    if (user.isPresent() && password.isEmpty()) {
      throw node.error("rpc_user", "needs rpc_password or rpc_password_file");
    }
    if (password.isPresent() && user.isEmpty()) {
      throw node.error("rpc_user", "is required with rpc_password");
    }
    if (cookie.isEmpty() && user.isEmpty()) {
      throw node.error("needs cookie_file, or rpc_user with rpc_password or rpc_password_file");
    }
    return new BitcoinConfig(url, user, password, cookie, schedule, ca);
  }
}
