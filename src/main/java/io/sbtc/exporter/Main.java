package io.sbtc.exporter;

import io.sbtc.exporter.check.TextReport;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.SecretFileWarnings;
import io.sbtc.exporter.demo.DemoUpstreams;
import io.sbtc.exporter.log.LogSetup;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/** Entry point: parse flags, load and validate the config, then run until stopped. */
public final class Main {
  private static final System.Logger LOG = System.getLogger(Main.class.getName());
  static final int EVENT_LOOPS = 2;
  static final int WORKERS = 8;

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
  }

  /**
   * Thread pools sized for a sidecar with a handful of sources, not Vert.x's defaults for a busy server
   * (2 event loops per core and 20 + 20 workers: 41 threads on 2 cores, 27 with these; each thread
   * costs a stack and native buffers, docs/benchmarks.md). The one exporter verticle serves every
   * scrape on one event loop whatever the pool size. Blocking work (JDBC, file walks, parsing the
   * signer's page) goes to the workers, at most one task per source at a time since a source's polls
   * never overlap; the pool creates its threads only as work arrives.
   */
  static VertxOptions vertxOptions() {
    return new VertxOptions()
        .setEventLoopPoolSize(EVENT_LOOPS)
        .setWorkerPoolSize(WORKERS)
        .setInternalBlockingPoolSize(2)
        // No classpath file cache: the exporter serves no files, and a read-only root must not stop it at start.
        .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false));
  }

  /** SIGHUP re-reads the config, as Prometheus and its exporters do. */
  @SuppressWarnings("restriction")
  private static void reloadOnSighup(ExporterVerticle exporter) {
    sun.misc.SignalHandler previous;
    try {
      previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        LOG.log(Level.INFO, "msg=\"SIGHUP received, reloading the config\"");
        exporter.reload();
      });
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "msg=\"SIGHUP is not available here; use POST /-/reload\"");
      return;
    }
    // A signal ignored when the JVM starts stays ignored: the JVM installs no handler for it and says
    // nothing. nohup does this. Without this line a reload by SIGHUP would be lost without a trace.
    if (previous == sun.misc.SignalHandler.SIG_IGN) {
      LOG.log(Level.WARNING, "msg=\"SIGHUP is ignored by this process (inherited from whatever started it, e.g. nohup):"
          + " kill -HUP will not reload the config; start the exporter without nohup, or restart it to apply a new config\"");
    }
  }

  /** No classpath file cache: the exporter serves no files, and a read-only root must not stop it at start. */
  static Vertx newVertx() {
    return Vertx.vertx(vertxOptions());
  }

  /** @return the exit code, or -1 when the exporter is now running */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Cli cli;
    try {
      cli = Cli.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("sbtc-signer-exporter: " + e.getMessage());
      return 2;
    }
    if (cli.help()) {
      out.print(Cli.USAGE);
      return 0;
    }
    if (cli.version()) {
      out.println("sbtc-signer-exporter " + BuildInfo.version());
      return 0;
    }
    if (cli.configFile().isEmpty() && !cli.demo()) {
      err.println("sbtc-signer-exporter: no config: pass --config FILE (see examples/config.yml) or try --demo");
      return 2;
    }
    try {
      LogSetup.configure(LogSetup.level(cli.logLevel()), LogSetup.format(cli.logFormat()));
    } catch (IllegalArgumentException e) {
      err.println("sbtc-signer-exporter: " + e.getMessage());
      return 2;
    }
    if (cli.check()) {
      return CheckCommand.run(cli, newVertx(), out, err,
          TextReport.colour(out == System.out && System.console() != null, System.getenv("NO_COLOR")));
    }
    SecretFileWarnings warnings = new SecretFileWarnings();
    Vertx vertx = newVertx();
    try {
      ExporterConfig config = cli.demo()
          ? cli.withOverrides(DemoUpstreams.start(vertx).toCompletionStage().toCompletableFuture().join())
          : cli.config(warnings);
      if (cli.checkConfig()) {
        out.print(ConfigPrinter.toYaml(config));
        vertx.close();
        return 0;
      }
      Optional<Supplier<ExporterConfig>> reloader = cli.demo() ? Optional.empty() : Optional.of(() -> cli.config(warnings));
      ExporterVerticle exporter = new ExporterVerticle(config, Clock.systemUTC(), reloader, cli.enableLifecycle());
      // Before deploying: until the handler is in place a SIGHUP stops the JVM, and a service manager may
      // send one right after start. A reload asked for this early runs once the exporter has started.
      reloadOnSighup(exporter);
      vertx.deployVerticle(exporter).toCompletionStage().toCompletableFuture().join();
      LOG.log(Level.INFO, "msg=\"listening\" address={0}:{1,number,#} version={2}",
          config.listenAddress().host(), exporter.port(), BuildInfo.version());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
      return -1;
    } catch (ConfigException e) {
      err.println("sbtc-signer-exporter: " + e.getMessage());
      vertx.close();
      return 1;
    } catch (RuntimeException e) {
      Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      err.println("sbtc-signer-exporter: " + (cause instanceof ConfigException ? "" : "cannot start: ") + cause.getMessage());
      vertx.close();
      return 1;
    }
  }
}
