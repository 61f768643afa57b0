package io.sbtc.exporter.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The exporter as its own JVM, started the way an operator starts it ({@code Main} with flags), for
 * what only a real process shows: signals, exit codes, log lines.
 *
 * <p>SIGHUP is reset to its default for the exporter, as systemd and container runtimes start it. A
 * signal ignored when a JVM starts cannot be handled by it, and whoever started Maven decides that
 * for every process below it: under {@code nohup mvn verify} the reload tests would otherwise wait
 * for reloads that cannot happen (issue 15).
 */
public final class ExporterProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final java.util.regex.Pattern LISTENING = java.util.regex.Pattern.compile("listening\\W+address\\W+127\\.0\\.0\\.1:(\\d+)");

  /** What SIGHUP does in the exporter's process when it starts. */
  public enum Sighup {
    DEFAULT("--default-signal=HUP"),
    /** As under nohup. */
    IGNORED("--ignore-signal=HUP");

    private final String envFlag;

    Sighup(String envFlag) {
      this.envFlag = envFlag;
    }
  }

  private final Process process;
  private final Path log;
  private final int port;

  private ExporterProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  public static ExporterProcess start(Path config, String... extraArgs) throws IOException {
    return start(Sighup.DEFAULT, config, extraArgs);
  }

  /** @param jvmOptions options for the exporter's JVM, e.g. {@link #shippedJvmOptions()} */
  public static ExporterProcess start(List<String> jvmOptions, Path config, String... extraArgs) throws IOException {
    return start(Sighup.DEFAULT, config, jvmOptions, Map.of(), extraArgs);
  }

  public static ExporterProcess start(Sighup sighup, Path config, String... extraArgs) throws IOException {
    return start(sighup, config, List.of(), Map.of(), extraArgs);
  }

  /**
   * @param jvmFlags flags for the exporter's JVM, e.g. the image's heap limits
   * @param env added to the exporter's environment
   */
  public static ExporterProcess start(Sighup sighup, Path config, List<String> jvmFlags, Map<String, String> env, String... extraArgs)
      throws IOException {
    // coreutils env (8.31 or newer) sets the signal's disposition, then execs java: the pid stays the exporter's.
    List<String> cmd = new ArrayList<>(List.of("env", sighup.envFlag, Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        "io.sbtc.exporter.Main", "--config", config.toString(), "--web.listen-address", "127.0.0.1:0"));
    cmd.addAll(List.of(extraArgs));
    Path log = Files.createTempFile("exporter", ".log");
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process p = builder.start();
    ExporterProcess exporter;
    try {
      exporter = new ExporterProcess(p, log, boundPort(p, log));
      exporter.awaitReady();
    } catch (AssertionError | RuntimeException e) {
      new ExporterProcess(p, log, 0).close();
      throw e;
    }
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

  /**
   * The port the exporter bound, from its "listening" log line (logfmt or JSON). It binds port 0
   * itself: a port found free here and handed over could be taken by another process meanwhile, on
   * a machine where several builds run at once, and a test would then talk to someone else's server.
   * The line is logged at info, so the exporter must run at --log.level info or debug.
   */
  private static int boundPort(Process p, Path log) {
    return Await.until("the exporter's \"listening\" log line", START, () -> {
      if (!p.isAlive()) {
        throw new AssertionError("exporter exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      return LISTENING.matcher(Files.readString(log));
    }, java.util.regex.Matcher::find, () -> readQuietly(log)).group(1).transform(Integer::parseInt);
  }

  private static String readQuietly(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitReady() {
    Await.until("the exporter to answer 200 on /-/ready", START, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("exporter exited with " + process.exitValue() + ":\n" + logs());
      }
      return get("/-/ready").statusCode() == 200;
    }, Boolean.TRUE::equals, this::logs);
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

  /**
   * Scrapes until {@code condition} holds. On failure the message shows the last scrape, the
   * exporter's log and a thread dump: what the exporter was doing when it did not get there.
   */
  public Scrape awaitScrape(String what, Predicate<Scrape> condition) {
    return Await.until(what, WAIT, this::scrape, condition, () -> "--- exporter log ---\n" + logs() + "\n" + threadDump());
  }

  /** Waits for a line of the exporter's log that contains {@code text}. */
  public void awaitLog(String text) {
    Await.until("a log line containing " + text, WAIT, this::logs, l -> l.contains(text), this::threadDump);
  }

  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed: " + out);
    }
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public String logs() {
    return readQuietly(log);
  }

  /** {@code jcmd Thread.print} of the exporter, or why there is none. */
  public String threadDump() {
    if (!process.isAlive()) {
      return "(no thread dump: the exporter exited with " + process.exitValue() + ")";
    }
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    try {
      Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
      String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(30, TimeUnit.SECONDS);
      return "--- exporter threads ---\n" + dump;
    } catch (IOException e) {
      return "(no thread dump: " + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(no thread dump: interrupted)";
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
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temporary file left behind is not worth failing a test for
    }
  }
}
