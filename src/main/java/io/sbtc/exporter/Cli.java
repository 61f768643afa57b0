package io.sbtc.exporter;

import java.util.Optional;

/** Command-line flags, in the style of the Prometheus exporters ({@code --web.listen-address}). */
record Cli(
    Optional<String> configFile,
    Optional<String> listenAddress,
    Optional<String> webConfigFile,
    String logLevel,
    String logFormat,
    boolean checkConfig,
    boolean demo,
    boolean help,
    boolean version) {

  static final String USAGE = """
      Usage: sbtc-signer-exporter [flags]

      Prometheus exporter and alerting sidecar for sBTC signer operators.

      Flags:
        --config FILE               YAML config file (see examples/config.yml)
        --demo                      run against built-in sample upstreams; no config needed
        --check-config              validate the config, print it with secrets masked, exit 0 or 1
        --web.listen-address ADDR   host:port to serve on, overrides listen_address (default 127.0.0.1:10184)
        --web.config.file FILE      TLS and basic auth, in the Prometheus exporter-toolkit format; overrides web_config_file
        --log.level LEVEL           debug, info, warn or error (default info)
        --log.format FORMAT         logfmt or json, one line per event on stderr (default logfmt)
        --version                   print the version and exit
        --help                      print this help and exit
      """;

  /** @throws IllegalArgumentException with a message for the operator */
  static Cli parse(String... args) {
    String config = null;
    String listen = null;
    String webConfig = null;
    String logLevel = "info";
    String logFormat = "logfmt";
    boolean check = false;
    boolean demo = false;
    boolean help = false;
    boolean version = false;
    for (int i = 0; i < args.length; i++) {
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
        case "--check-config" -> check = true;
        case "--demo" -> demo = true;
        case "--help", "-h" -> help = true;
        case "--version" -> version = true;
        default -> throw new IllegalArgumentException("unknown flag " + arg + " (see --help)");
      }
    }
    return new Cli(Optional.ofNullable(config), Optional.ofNullable(listen), Optional.ofNullable(webConfig), logLevel, logFormat, check, demo, help, version);
  }

  private static String next(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
