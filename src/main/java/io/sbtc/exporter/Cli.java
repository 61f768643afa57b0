package io.sbtc.exporter;

import io.sbtc.exporter.config.SecretFileWarnings;
import io.sbtc.exporter.config.WebConfig;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.setup.Overrides;
import java.nio.file.Path;
import java.util.Optional;

/** Command-line flags, in the style of the Prometheus exporters ({@code --web.listen-address}). */
record Cli(
    Optional<String> configFile,
    Optional<String> listenAddress,
    Optional<String> webConfigFile,
    boolean enableLifecycle,
    String logLevel,
    String logFormat,
    boolean checkConfig,
    boolean demo,
    boolean help,
    boolean version,
    boolean check,
    String output) {

  static final String USAGE = """
      Usage: sbtc-signer-exporter [flags]
             sbtc-signer-exporter check [--config FILE | --demo] [--output text|json]

      Prometheus exporter and alerting sidecar for sBTC signer operators.

      check polls every configured source once and prints the signer operators' best-practice checklist
      (docs/check.md): exit 0 when no item fails, 1 when one does, 2 when the config is invalid.

      Flags:
        --config FILE               YAML config file (see examples/config.yml)
        --demo                      run against built-in sample upstreams; no config needed
        --check-config              validate the config, print it with secrets masked, exit 0 or 1
        --web.listen-address ADDR   host:port to serve on, overrides listen_address (default 127.0.0.1:10184)
        --web.config.file FILE      TLS and basic auth, in the Prometheus exporter-toolkit format; overrides web_config_file
        --web.enable-lifecycle      allow POST /-/reload (SIGHUP reloads either way)
        --log.level LEVEL           debug, info, warn or error (default info)
        --log.format FORMAT         logfmt or json, one line per event on stderr (default logfmt)
        --output FORMAT             check only: text (a table) or json (default text)
        --version                   print the version and exit
        --help                      print this help and exit
      """;

  /** The config file these flags name, validated, with the flags that override it in force: at start and at every reload. */
  ExporterConfig config(SecretFileWarnings warnings) {
    return withOverrides(ConfigLoader.load(Path.of(configFile().orElseThrow()), System::getenv, warnings));
  }

  /**
   * {@code config} with the flags that override it in force, and the web config it then names
   * checked here, so a bad one fails with the file's name rather than later.
   */
  ExporterConfig withOverrides(ExporterConfig config) {
    ExporterConfig overridden = config.with(Overrides.of(listenAddress, webConfigFile));
    overridden.webConfigFile().ifPresent(WebConfig::load);
    return overridden;
  }

  /** @throws IllegalArgumentException with a message for the operator */
  static Cli parse(String... args) {
    String config = null;
    String listen = null;
    String webConfig = null;
    boolean lifecycle = false;
    String logLevel = null;
    String logFormat = "logfmt";
    boolean check = false;
    boolean demo = false;
    boolean help = false;
    boolean version = false;
    // A subcommand, as in promtool's "check config": the report is a different job from serving.
    boolean checkCommand = args.length > 0 && args[0].equals("check");
    String output = null;
    for (int i = checkCommand ? 1 : 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--config", "--config.file" -> {
          config = value != null ? value : next(args, ++i, arg);
        }
        case "--web.listen-address" -> listen = value != null ? value : next(args, ++i, arg);
        case "--web.config.file" -> webConfig = value != null ? value : next(args, ++i, arg);
        case "--log.level" -> logLevel = value != null ? value : next(args, ++i, arg);
        case "--log.format" -> logFormat = value != null ? value : next(args, ++i, arg);
        case "--output" -> output = value != null ? value : next(args, ++i, arg);
        case "--web.enable-lifecycle" -> lifecycle = true;
        case "--check-config" -> check = true;
        case "--demo" -> demo = true;
        case "--help", "-h" -> help = true;
        case "--version" -> version = true;
        default -> throw new IllegalArgumentException("unknown flag " + arg + " (see --help)");
      }
    }
    if (checkCommand && check) {
      throw new IllegalArgumentException("check and --check-config: use one (--check-config only validates the config)");
    }
    if (output != null && !checkCommand) {
      throw new IllegalArgumentException("--output applies to check only (see --help)");
    }
    if (output != null && !output.equals("text") && !output.equals("json")) {
      throw new IllegalArgumentException("--output must be text or json (got \"" + output + "\")");
    }
    if (logLevel == null) {
      // The report says which sources failed; their warning lines would only repeat it on stderr.
      logLevel = checkCommand ? "error" : "info";
    }
    return new Cli(Optional.ofNullable(config), Optional.ofNullable(listen), Optional.ofNullable(webConfig), lifecycle, logLevel, logFormat,
        check, demo, help, version, checkCommand, output == null ? "text" : output);
  }

  private static String next(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
