package io.sbtc.exporter.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The validated configuration. Only {@link ConfigLoader} makes one, so holding an
 * {@code ExporterConfig} means validation has run. A section that is absent is a source that is
 * neither polled nor shown.
 *
 * @param text the config as read, for printing; it loads back to an equal config
 */
public record ExporterConfig(
    String file,
    ListenAddress listenAddress,
    Optional<Path> webConfigFile,
    Optional<SignerConfig> signer,
    Optional<AuditConfig> audit,
    List<LogConfig> logs,
    Optional<BitcoinConfig> bitcoin,
    Optional<StacksConfig> stacks,
    Optional<VersionsConfig> versions,
    Optional<SignerDbConfig> signerDb,
    List<BackupConfig> backups,
    Optional<DiskConfig> disk,
    ConfigText text) {

  /** Outside the 9100-9999 range, which the Prometheus default port allocations list has filled. */
  public static final int DEFAULT_PORT = 10184;
  public static final String DEFAULT_LISTEN_ADDRESS = "127.0.0.1:" + DEFAULT_PORT;

  static ExporterConfig read(ConfigNode root) {
    String listenText = root.string("listen_address", DEFAULT_LISTEN_ADDRESS);
    ListenAddress listen = ListenAddress.parse(listenText)
        .orElseThrow(() -> root.error("listen_address", "must be host:port like 127.0.0.1:" + DEFAULT_PORT + " (got \"" + listenText + "\")"));
    Optional<Path> webConfig = root.path("web_config_file");
    Optional<SignerConfig> signer = root.object("signer").map(SignerConfig::read);
    Optional<AuditConfig> audit = root.object("audit").map(AuditConfig::read);
    List<LogConfig> logs = LogConfig.readAll(root);
    Optional<BitcoinConfig> bitcoin = root.object("bitcoin").map(BitcoinConfig::read);
    Optional<StacksConfig> stacks = root.object("stacks").map(StacksConfig::read);
    Optional<VersionsConfig> versions = root.object("versions").map(VersionsConfig::read);
    Optional<SignerDbConfig> signerDb = root.object("signer_db").map(SignerDbConfig::read);
    // After signer_db: a backup's verify.scratch_url is checked against it.
    List<BackupConfig> backups = BackupConfig.readAll(root, "backups", signerDb);
    Optional<DiskConfig> disk = root.object("disk").map(DiskConfig::read);
    root.rejectUnknownKeys();
    return new ExporterConfig(root.file(), listen, webConfig, signer, audit, logs, bitcoin, stacks, versions, signerDb, backups, disk,
        new ConfigText(root.printed()));
  }

  public ExporterConfig withListenAddress(ListenAddress address) {
    return new ExporterConfig(file, address, webConfigFile, signer, audit, logs, bitcoin, stacks, versions, signerDb, backups, disk,
        text.with("listen_address", address.toString()));
  }

  public ExporterConfig withWebConfigFile(Path webConfig) {
    return new ExporterConfig(file, listenAddress, Optional.of(webConfig), signer, audit, logs, bitcoin, stacks, versions, signerDb, backups, disk,
        text.with("web_config_file", webConfig.toString()));
  }
}
