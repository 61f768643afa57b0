package io.sbtc.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.testing.ChildProcess;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.ExternalTool.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged exporter started as users start it, through bin/sbtc-signer-exporter: the README's
 * quick start in this checkout, and the release tarball unpacked somewhere else, with and without its
 * class data archive. Runs after {@code mvn package} (failsafe), which builds the jar, the archive and
 * the tarball.
 */
@Timeout(180)
class LauncherIT {
  static final Path CHECKOUT_ARCHIVE = Path.of("target/sbtc-signer-exporter.jsa").toAbsolutePath();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The README's first command, after mvn package: bin/sbtc-signer-exporter --demo. */
  @Test
  void quickStartRunsTheDemoThroughTheLauncherWithItsOptionsAndArchive(@TempDir Path tmp) throws Exception {
    assertTrue(Files.isRegularFile(CHECKOUT_ARCHIVE), "mvn package writes " + CHECKOUT_ARCHIVE + " (unless -Dcds.skip=true)");
    int port = ChildProcess.freePort();
    try (ChildProcess demo = ChildProcess.start("demo", List.of("bin/sbtc-signer-exporter", "--demo",
        "--web.listen-address", "127.0.0.1:" + port), tmp.resolve("demo.log"))) {
      demo.awaitOk(URI.create("http://127.0.0.1:" + port + "/-/ready"), Duration.ofSeconds(60));
      String metrics = get(port, "/metrics");
      assertTrue(metrics.contains("sbtc_exporter_source_up{source=\"signer_metrics\"} 1"), metrics);

      // The launcher exec'd java: the process it started is the JVM, with the launcher's options.
      List<String> cmdline = List.of(Files.readString(Path.of("/proc/" + demo.pid() + "/cmdline")).split("\0"));
      assertTrue(cmdline.get(0).endsWith("java"), cmdline.toString());
      assertTrue(cmdline.contains("-XX:+ExitOnOutOfMemoryError"), cmdline.toString());
      // And the JVM really mapped the archive, rather than skipping it.
      assertTrue(Files.readString(Path.of("/proc/" + demo.pid() + "/maps")).contains(CHECKOUT_ARCHIVE.toString()),
          "the class data archive is mapped:\n" + demo.logTail());
      long threads;
      try (Stream<Path> tasks = Files.list(Path.of("/proc/" + demo.pid() + "/task"))) {
        threads = tasks.count();
      }
      assertTrue(threads <= 30, "threads: " + threads + " (41 with Vert.x's default pools on 2 cores)");

      // SIGTERM reaches the JVM (no shell in between) and ends it: 128 + 15.
      assertEquals(143, demo.terminate(Duration.ofSeconds(20)), demo.logTail());
    }
  }

  /** Unpacked anywhere, the tarball's launcher finds its jar, writes an archive for that place and uses it. */
  @Test
  void theTarballRunsWhereverItIsUnpackedAndWritesItsOwnArchive(@TempDir Path tmp) throws Exception {
    Path home = unpackTarball(tmp);
    Path launcher = home.resolve("bin/sbtc-signer-exporter");
    Result version = ExternalTool.run(List.of(launcher.toString(), "--version"), Duration.ofSeconds(60));
    assertEquals(0, version.exitCode(), version.output());
    assertTrue(version.output().startsWith("sbtc-signer-exporter "), "no archive yet, and no word about it: " + version.output());

    Result write = ExternalTool.run(List.of(launcher.toString(), "--write-cds-archive"), Duration.ofSeconds(120));
    assertEquals(0, write.exitCode(), write.output());
    Path archive = home.resolve("sbtc-signer-exporter.jsa");
    assertTrue(Files.size(archive) > 1 << 20, "archive written: " + archive);

    int port = ChildProcess.freePort();
    try (ChildProcess demo = ChildProcess.start("tarball demo", List.of(launcher.toString(), "--demo",
        "--web.listen-address", "127.0.0.1:" + port), tmp.resolve("demo.log"))) {
      demo.awaitOk(URI.create("http://127.0.0.1:" + port + "/-/ready"), Duration.ofSeconds(60));
      assertTrue(Files.readString(Path.of("/proc/" + demo.pid() + "/maps")).contains(archive.toRealPath().toString()),
          "the unpacked tarball's archive is mapped:\n" + demo.logTail());
    }
  }

  /** An archive written for another jar path (a moved directory) costs start-up time and one warning, nothing else. */
  @Test
  void anArchiveForAnotherPlaceIsSkippedWithAWarning(@TempDir Path tmp) throws Exception {
    Path home = unpackTarball(tmp);
    Files.copy(CHECKOUT_ARCHIVE, home.resolve("sbtc-signer-exporter.jsa")); // newer than the jar, so the launcher passes it
    Result version = ExternalTool.run(List.of(home.resolve("bin/sbtc-signer-exporter").toString(), "--version"), Duration.ofSeconds(60));
    assertEquals(0, version.exitCode(), version.output());
    assertTrue(version.output().contains("written for a jar at another path"), version.output());
    assertTrue(version.output().contains("sbtc-signer-exporter "), version.output());
  }

  private static Path unpackTarball(Path tmp) throws IOException {
    Path tarball;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      tarball = files.filter(f -> f.getFileName().toString().matches("sbtc-signer-exporter-.*\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no target/sbtc-signer-exporter-*.tar.gz: run mvn package"));
    }
    Path tar = ExternalTool.require("tar");
    Result r = ExternalTool.run(List.of(tar.toString(), "-xzf", tarball.toString(), "-C", tmp.toString()), Duration.ofSeconds(60));
    assertEquals(0, r.exitCode(), r.output());
    try (Stream<Path> dirs = Files.list(tmp)) {
      return dirs.filter(d -> d.getFileName().toString().startsWith("sbtc-signer-exporter-")).findFirst().orElseThrow();
    }
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path);
    return r.body();
  }
}
