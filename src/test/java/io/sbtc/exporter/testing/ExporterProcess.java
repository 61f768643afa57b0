package io.sbtc.exporter.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The exporter as its own JVM, started the way an operator starts it ({@code Main} with flags), for
 * what only a real process shows: signals, exit codes, log lines.
 */
public final class ExporterProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path log;
  private final int port;

  private ExporterProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  public static ExporterProcess start(Path config, String... extraArgs) throws IOException {
    return start(List.of(), config, extraArgs);
  }

  /** @param jvmOptions options for the exporter's JVM, e.g. {@link #shippedJvmOptions()} */
  public static ExporterProcess start(List<String> jvmOptions, Path config, String... extraArgs) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "io.sbtc.exporter.Main", "--config", config.toString(), "--web.listen-address", "127.0.0.1:" + port));
    cmd.addAll(List.of(extraArgs));
    Path log = Files.createTempFile("exporter", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ExporterProcess exporter = new ExporterProcess(p, log, port);
    exporter.awaitReady();
    return exporter;
  }

  /** The JVM options every deployment runs the exporter with: those of bin/sbtc-signer-exporter. */
  public static List<String> shippedJvmOptions() throws IOException {
    try {
      return Launcher.jvmOptions();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("exporter exited with " + process.exitValue() + ":\n" + logs());
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not listening yet
      }
      RunningExporter.sleep(100);
    }
    throw new AssertionError("exporter not ready within 30s:\n" + logs());
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build());
  }

  public HttpResponse<String> post(String path) {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  public Scrape scrape() {
    HttpResponse<String> r = get("/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode() + ": " + r.body() + "\nlogs:\n" + logs());
    }
    return Scrape.of(r.body());
  }

  public void awaitScrape(Predicate<Scrape> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Scrape last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = scrape();
      } catch (IllegalStateException e) {
        throw new AssertionError("scrape failed: " + e.getMessage() + "; alive: " + process.isAlive() + "\nlogs:\n" + logs(), e);
      }
      if (condition.test(last)) {
        return;
      }
      RunningExporter.sleep(100);
    }
    throw new AssertionError("condition not met within 20s; last scrape:\n" + (last == null ? "" : last.body()) + "\nlogs:\n" + logs());
  }

  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
  }

  public String logs() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
