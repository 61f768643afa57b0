package io.sbtc.exporter.bench;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a command several times and measures, each time, how long until {@code url} first answers
 * 200: for the exporter, from {@code java -jar} to the first {@code /-/ready}. The timer's own JVM
 * is already warm, so only the exporter's start-up is counted.
 *
 * <p>Usage: {@code StartupTimer RUNS URL LOG_FILE COMMAND...}; prints one {@code startup_ms} line per run.
 */
public final class StartupTimer {
  private StartupTimer() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    URI url = URI.create(args[1]);
    File log = new File(args[2]);
    List<String> command = Arrays.asList(args).subList(3, args.length);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest ready = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
    for (int run = 0; run < runs; run++) {
      long started = System.nanoTime();
      Process exporter = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
      long deadline = started + TimeUnit.SECONDS.toNanos(30);
      long tookNanos = -1;
      while (System.nanoTime() < deadline && exporter.isAlive()) {
        try {
          if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            tookNanos = System.nanoTime() - started;
            break;
          }
        } catch (java.io.IOException notListeningYet) {
          // keep asking
        }
        Thread.sleep(2);
      }
      exporter.destroy();
      exporter.waitFor(10, TimeUnit.SECONDS);
      exporter.destroyForcibly().waitFor();
      if (tookNanos < 0) {
        System.err.println("the exporter was not ready within 30 s; see " + log);
        System.exit(1);
      }
      System.out.printf("startup_ms %.0f%n", tookNanos / 1e6);
    }
  }
}
