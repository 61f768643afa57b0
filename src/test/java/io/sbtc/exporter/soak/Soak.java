package io.sbtc.exporter.soak;

import io.sbtc.exporter.demo.DemoUpstreams;
import io.sbtc.exporter.soak.FaultyUpstream.Mode;
import io.sbtc.exporter.source.signer.SignerConfig;
import io.sbtc.exporter.testing.ExporterProcess;
import io.sbtc.exporter.testing.Scrape;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exporter as deployed (its own JVM, the image's JVM flags) against upstreams that keep
 * failing: each of the signer's metrics and /info, Bitcoin Core and the Stacks node flips every
 * 3 to 6 s between healthy, hanging, garbage, HTTP 500 and refused connections; the config is
 * re-read by SIGHUP every 10 s, alternately valid and invalid; Prometheus scrapes 20 times a second.
 * What it records is judged by {@link SoakReport}.
 *
 * <p>{@code bench/soak.sh} runs it for 10 minutes; {@code SoakTest} for 60 s in every build.
 */
public final class Soak {
  /**
   * Every source's poll interval; timeouts are 500 ms. Detecting a switch takes up to an interval
   * plus a timeout, so 2 s leaves the "within two intervals" check room for a busy host's delays.
   */
  static final Duration INTERVAL = Duration.ofSeconds(2);
  static final Duration SCRAPE_EVERY = Duration.ofMillis(50);
  static final Duration RELOAD_EVERY = Duration.ofSeconds(10);
  static final Duration RESOURCES_EVERY = Duration.ofSeconds(15);
  static final List<String> SOURCES = List.of("signer_metrics", "signer_info", "bitcoin", "stacks");

  /**
   * @param up {@code sbtc_exporter_source_up} by source
   * @param timeouts {@code sbtc_exporter_source_errors_total{reason="timeout"}} by source
   */
  record ScrapeResult(double at, double millis, String failure, Map<String, Double> up, Map<String, Double> timeouts) {}

  record Flip(double at, String source, Mode mode) {}

  record Reload(double at, boolean valid) {}

  /** When the soak itself was measuring the exporter (jcmd attaches and forces a full GC). */
  record Window(double from, double to) {
    boolean overlaps(ScrapeResult s) {
      return s.at() <= to && s.at() + s.millis() / 1000 >= from;
    }
  }

  /** Everything the run saw, in seconds since the exporter was ready. */
  record Timeline(Duration duration, double chaosFrom, double chaosUntil, List<ScrapeResult> scrapes, List<ScrapeResult> control,
      List<Flip> flips,
      List<Reload> reloads, List<ProcessResources.Sample> resources, List<Window> measuring, String log, List<String> secrets, List<String> pages,
      String jvmFlags, long seed) {}

  private final Duration duration;
  private final long seed;
  private final Path dir;
  private final String scrapePassword;
  private final String rpcPassword;
  private final Random random;
  private final long started = System.nanoTime();
  private final List<ScrapeResult> scrapes = new CopyOnWriteArrayList<>();
  private final List<ScrapeResult> control = new CopyOnWriteArrayList<>();
  private final List<Flip> flips = new CopyOnWriteArrayList<>();
  private final List<Reload> reloads = new CopyOnWriteArrayList<>();
  private final List<ProcessResources.Sample> resources = new CopyOnWriteArrayList<>();
  private final List<Window> measuring = new CopyOnWriteArrayList<>();
  /** When the scrape in flight was sent (System.nanoTime), 0 when none is. */
  private volatile long scrapeSent;
  private final List<String> pages = new CopyOnWriteArrayList<>();
  private final Map<String, FaultyUpstream> upstreams = new LinkedHashMap<>();
  private long readyAt;

  Soak(Duration duration, long seed, Path dir) {
    this.duration = duration;
    this.seed = seed;
    this.dir = dir;
    this.random = new Random(seed);
    this.scrapePassword = "soak-url-password-" + Long.toHexString(random.nextLong());
    this.rpcPassword = "soak-rpc-password-" + Long.toHexString(random.nextLong());
  }

  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofMinutes(10);
    Path output = null;
    long seed = System.nanoTime();
    Path dir = null;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> duration = Duration.ofSeconds(Long.parseLong(args[i + 1]));
        case "--output" -> output = Path.of(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--dir" -> dir = Files.createDirectories(Path.of(args[i + 1]));
        default -> throw new IllegalArgumentException("unknown flag " + args[i] + " (--seconds N, --output FILE, --seed N, --dir DIR)");
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("sbtc-soak");
    }
    System.out.println("soak: " + duration.toSeconds() + " s, seed " + seed + ", work directory " + dir);
    SoakReport report = new SoakReport(new Soak(duration, seed, dir).run());
    String text = report.markdown();
    System.out.println(text);
    if (output != null) {
      Files.writeString(output, text);
    }
    System.exit(report.violations().isEmpty() ? 0 : 1);
  }

  Timeline run() throws Exception {
    Vertx vertx = Vertx.vertx();
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
    // Scrapes on threads of their own, so a flip or a reload never delays one; the control's beside the exporter's.
    ScheduledExecutorService scraper = Executors.newScheduledThreadPool(2);
    try {
      int backend = DemoUpstreams.start(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
          .section(SignerConfig.class).orElseThrow().metricsUrl().orElseThrow().getPort();
      for (String source : SOURCES) {
        upstreams.put(source, new FaultyUpstream(source, backend));
      }
      Path passwordFile = Files.writeString(dir.resolve("bitcoin-rpc-password"), rpcPassword + "\n");
      Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
      Path config = dir.resolve("config.yml");
      Files.writeString(config, config(passwordFile, "500ms"));
      // The control: the same exporter, flags and sources, its upstreams healthy all along.
      Path controlConfig = dir.resolve("control.yml");
      Files.writeString(controlConfig, config(passwordFile, "500ms", SOURCES.stream().map(x -> backend).toList()));
      String flags = jvmFlags();
      // The image's flags, plus a GC and safepoint log: when a scrape is slow, was the exporter's JVM paused?
      List<String> jvm = new ArrayList<>(List.of(flags.split(" ")));
      jvm.add("-Xlog:gc,safepoint:file=" + dir.resolve("exporter-jvm.log") + ":time,uptime,level,tags");
      Map<String, String> env = Map.of("SOAK_SCRAPE_USER", "prometheus", "SOAK_SCRAPE_PASSWORD", scrapePassword);
      try (ExporterProcess exporter = ExporterProcess.start(ExporterProcess.Sighup.DEFAULT, config, jvm, env);
          ExporterProcess controlExporter = ExporterProcess.start(ExporterProcess.Sighup.DEFAULT, controlConfig, List.of(flags.split(" ")), env)) {
        readyAt = System.nanoTime();
        Files.writeString(dir.resolve("t0"), java.time.Instant.now() + " is t=0 of the soak's timeline\n");
        Thread watchdog = stallWatchdog(exporter);
        ProcessResources process = new ProcessResources(exporter.pid());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        URI metrics = URI.create("http://127.0.0.1:" + exporter.port() + "/metrics");
        URI controlUri = URI.create("http://127.0.0.1:" + controlExporter.port() + "/metrics");
        HttpClient controlHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        scraper.scheduleAtFixedRate(() -> scrape(http, metrics), 0, SCRAPE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        scraper.scheduleAtFixedRate(() -> scrapeControl(controlHttp, controlUri), 0, SCRAPE_EVERY.toMillis(), TimeUnit.MILLISECONDS);

        double warmUp = Math.min(10, duration.toSeconds() / 6.0);
        awaitSeconds(warmUp);
        measure(process);
        double chaosFrom = now();
        for (String source : SOURCES) {
          scheduleFlip(timers, source);
        }
        timers.scheduleAtFixedRate(() -> reload(exporter, config, passwordFile), RELOAD_EVERY.toMillis(), RELOAD_EVERY.toMillis(),
            TimeUnit.MILLISECONDS);
        double end = warmUp + duration.toSeconds();
        while (now() + RESOURCES_EVERY.toSeconds() < end) {
          awaitSeconds(now() + RESOURCES_EVERY.toSeconds());
          measure(process);
        }
        awaitSeconds(end);
        double chaosUntil = now();
        timers.shutdownNow(); // no more flips, reloads or scrapes
        scraper.shutdownNow();
        timers.awaitTermination(10, TimeUnit.SECONDS);
        scraper.awaitTermination(10, TimeUnit.SECONDS);
        // Healthy again, everything settles, then the state to compare with the start.
        Files.writeString(config, config(passwordFile, "500ms"));
        reloads.add(new Reload(now(), true));
        exporter.signal("HUP");
        for (FaultyUpstream u : upstreams.values()) {
          u.set(Mode.HEALTHY);
        }
        awaitSeconds(now() + 3 * INTERVAL.toSeconds());
        scrape(http, metrics);
        measure(process);
        pages.add(get(http, URI.create("http://127.0.0.1:" + exporter.port() + "/")));
        watchdog.interrupt();
        Files.writeString(dir.resolve("exporter.log"), exporter.logs());
        writeCsv("scrapes.csv", "at_s,ms,failure," + String.join(",", SOURCES), scrapes.stream().map(r -> csv(r.at(), r.millis(), r.failure())
            + SOURCES.stream().map(src -> "," + r.up().getOrDefault(src, Double.NaN)).reduce("", String::concat)).toList());
        writeCsv("control.csv", "at_s,ms,failure", control.stream().map(r -> csv(r.at(), r.millis(), r.failure())).toList());
        writeCsv("switches.csv", "at_s,source,mode", flips.stream().map(f -> String.format("%.3f,%s,%s", f.at(), f.source(), f.mode())).toList());
        writeCsv("reloads.csv", "at_s,valid", reloads.stream().map(r -> String.format("%.3f,%s", r.at(), r.valid())).toList());
        return new Timeline(duration, chaosFrom, chaosUntil, List.copyOf(scrapes), List.copyOf(control), List.copyOf(flips), List.copyOf(reloads),
            List.copyOf(resources), List.copyOf(measuring), exporter.logs(), List.of(scrapePassword, rpcPassword), List.copyOf(pages), flags, seed);
      }
    } finally {
      timers.shutdownNow();
      scraper.shutdownNow();
      for (FaultyUpstream u : upstreams.values()) {
        u.close();
      }
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private void measure(ProcessResources process) throws IOException, InterruptedException {
    double from = now();
    resources.add(process.sample(from));
    measuring.add(new Window(from, now()));
  }

  private static String csv(double at, double ms, String failure) {
    return String.format("%.3f,%.2f,%s", at, ms, failure == null ? "" : "\"" + failure.replace("\"", "'") + "\"");
  }

  /** The raw timeline, kept in the run's directory for a closer look at whatever the report flags. */
  private void writeCsv(String name, String header, List<String> rows) throws IOException {
    Files.write(dir.resolve(name), java.util.stream.Stream.concat(java.util.stream.Stream.of(header), rows.stream()).toList());
  }

  private String config(Path passwordFile, String bitcoinTimeout) {
    return config(passwordFile, bitcoinTimeout, SOURCES.stream().map(source -> upstreams.get(source).port()).toList());
  }

  /** @param ports the upstream port of each of {@link #SOURCES}, in that order */
  private static String config(Path passwordFile, String bitcoinTimeout, List<Integer> ports) {
    return """
        signer:
          metrics_url: "http://${SOAK_SCRAPE_USER}:${SOAK_SCRAPE_PASSWORD}@127.0.0.1:%1$d/metrics"
          info_url: "http://127.0.0.1:%2$d/info"
          interval: %5$s
          timeout: 500ms
        bitcoin:
          rpc_url: "http://127.0.0.1:%3$d"
          rpc_user: soak
          rpc_password_file: "%6$s"
          interval: %5$s
          timeout: %7$s
        stacks:
          rpc_url: "http://127.0.0.1:%4$d"
          interval: %5$s
          timeout: 500ms
        """.formatted(ports.get(0), ports.get(1), ports.get(2), ports.get(3), INTERVAL.toSeconds() + "s", passwordFile, bitcoinTimeout);
  }

  /** Valid and invalid in turn; the valid ones alternate Bitcoin's timeout, so that source is replaced, often mid-poll. */
  private void reload(ExporterProcess exporter, Path config, Path passwordFile) {
    try {
      int n = reloads.size();
      boolean valid = n % 2 == 1;
      String text = config(passwordFile, n % 4 == 1 ? "600ms" : "500ms");
      Files.writeString(config, valid ? text : text.replace("  timeout: 500ms\n", "  timeout: 0s\n"));
      reloads.add(new Reload(now(), valid));
      exporter.signal("HUP");
    } catch (IOException | InterruptedException | RuntimeException e) {
      reloads.add(new Reload(now(), false));
      throw new IllegalStateException("reload " + reloads.size() + " could not be sent", e);
    }
  }

  /** Each upstream goes through the failure modes in a shuffled order, each for 3 to 6 s, healthy in between half the time. */
  private void scheduleFlip(ScheduledExecutorService timers, String source) {
    long delayMs = 3000 + random.nextInt(3001);
    timers.schedule(() -> {
      FaultyUpstream u = upstreams.get(source);
      List<Mode> next = new ArrayList<>(List.of(Mode.values()));
      next.remove(u.mode());
      Collections.shuffle(next, random);
      Mode mode = u.mode() != Mode.HEALTHY && random.nextBoolean() ? Mode.HEALTHY : next.get(0);
      try {
        u.set(mode);
        flips.add(new Flip(now(), source, mode));
      } catch (IOException e) {
        throw new IllegalStateException(source + ": cannot switch to " + mode, e);
      }
      scheduleFlip(timers, source);
    }, delayMs, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes a thread dump of the exporter while a scrape has been waiting for over 500 ms, into the
   * work directory: what the exporter was doing then, not after.
   */
  private Thread stallWatchdog(ExporterProcess exporter) {
    Thread t = new Thread(() -> {
      long dumpedFor = 0;
      while (!Thread.currentThread().isInterrupted()) {
        long sent = scrapeSent;
        if (sent != 0 && sent != dumpedFor && System.nanoTime() - sent > 500_000_000L) {
          dumpedFor = sent;
          try {
            Files.writeString(dir.resolve(String.format("stall-%.2fs.txt", (sent - readyAt) / 1e9)), exporter.threadDump());
          } catch (IOException e) {
            // diagnostics only
          }
        }
        try {
          Thread.sleep(100); // a watchdog's tick: it looks, it does not wait for anything
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "soak-stall-watchdog");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void scrape(HttpClient http, URI metrics) {
    double at = now();
    long t0 = System.nanoTime();
    scrapeSent = t0;
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      double ms = (System.nanoTime() - t0) / 1e6;
      if (r.statusCode() != 200) {
        scrapes.add(new ScrapeResult(at, ms, "HTTP " + r.statusCode(), Map.of(), Map.of()));
        return;
      }
      Scrape s = Scrape.of(r.body());
      Map<String, Double> up = new LinkedHashMap<>();
      Map<String, Double> timeouts = new LinkedHashMap<>();
      for (String source : SOURCES) {
        s.value("sbtc_exporter_source_up{source=\"" + source + "\"}").ifPresent(v -> up.put(source, v));
        s.value("sbtc_exporter_source_errors_total{reason=\"timeout\",source=\"" + source + "\"}").ifPresent(v -> timeouts.put(source, v));
      }
      scrapes.add(new ScrapeResult(at, ms, null, up, timeouts));
      if (scrapes.size() % 200 == 0) {
        pages.add(r.body());
      }
    } catch (IOException e) {
      scrapes.add(new ScrapeResult(at, (System.nanoTime() - t0) / 1e6, e.toString(), Map.of(), Map.of()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      scrapeSent = 0;
    }
  }

  private void scrapeControl(HttpClient http, URI uri) {
    double at = now();
    long t0 = System.nanoTime();
    try {
      int status = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
      control.add(new ScrapeResult(at, (System.nanoTime() - t0) / 1e6, status == 200 ? null : "HTTP " + status, Map.of(), Map.of()));
    } catch (IOException e) {
      control.add(new ScrapeResult(at, (System.nanoTime() - t0) / 1e6, e.toString(), Map.of(), Map.of()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String get(HttpClient http, URI uri) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The JVM options every deployment runs the exporter with: those of bin/sbtc-signer-exporter. */
  static String jvmFlags() throws IOException {
    return String.join(" ", io.sbtc.exporter.testing.ExporterProcess.shippedJvmOptions());
  }

  private double now() {
    return (System.nanoTime() - (readyAt == 0 ? started : readyAt)) / 1e9;
  }

  /** Blocks the driver until {@code at} seconds since ready: the soak's own timetable, not a wait for a condition. */
  private void awaitSeconds(double at) throws InterruptedException {
    long millis = (long) ((at - now()) * 1000);
    if (millis > 0) {
      Thread.sleep(millis); // the soak runs for a set time; nothing here waits for the exporter
    }
  }
}
