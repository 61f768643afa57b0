package io.sbtc.exporter.source.stacks;

import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The {@code stacks:} section: the Stacks node's RPC endpoint ({@code /v2/info} and friends). */
public record StacksConfig(URI rpcUrl, Schedule schedule, Optional<Path> tlsCaFile) {

  public static final String DEFAULT_RPC_URL = "http://127.0.0.1:20443";
  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(15), Duration.ofSeconds(5));

  public static StacksConfig read(ConfigNode node) {
    URI url = node.httpUrl("rpc_url", DEFAULT_RPC_URL);
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    Optional<Path> ca = node.readableFile("tls_ca_file");
    node.rejectUnknownKeys();
    return new StacksConfig(url, schedule, ca);
  }
}
