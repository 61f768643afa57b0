package io.sbtc.exporter;

import io.sbtc.exporter.check.JsonReport;
import io.sbtc.exporter.check.OneShot;
import io.sbtc.exporter.check.Scorecard;
import io.sbtc.exporter.check.TextReport;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.SecretFileWarnings;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.demo.DemoUpstreams;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.setup.Sources;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;
import java.util.concurrent.CompletionException;

/** {@code check}: the config's sources polled once and the checklist printed, with the exit status of docs/check.md. */
final class CheckCommand {
  private CheckCommand() {}

  static int run(Cli cli, Vertx vertx, PrintStream out, PrintStream err, boolean colour) {
    try {
      ExporterConfig config;
      try {
        config = cli.demo()
            ? cli.withOverrides(DemoUpstreams.start(vertx).toCompletionStage().toCompletableFuture().join())
            : cli.config(new SecretFileWarnings());
      } catch (ConfigException e) {
        err.println("sbtc-signer-exporter: " + e.getMessage());
        return Scorecard.EXIT_INVALID;
      }
      Clock clock = Clock.systemUTC();
      Scorecard card = OneShot.run(vertx, config, Sources.fromConfig(config, new SourceContext(vertx, clock)), Sources.derived(config),
          BuildInfo.version(), clock)
          .toCompletionStage().toCompletableFuture().join();
      out.print(cli.output().equals("json") ? JsonReport.render(card, BuildInfo.version()) : TextReport.render(card, colour));
      out.flush();
      return card.exitCode();
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      err.println("sbtc-signer-exporter: " + (cause instanceof ConfigException ? "" : "cannot run the check: ") + cause.getMessage());
      return Scorecard.EXIT_INVALID;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
