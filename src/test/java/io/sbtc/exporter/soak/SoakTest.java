package io.sbtc.exporter.soak;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The soak of {@link Soak} for 60 s (set -Dsoak.seconds=N for longer), in every build: each
 * upstream failing every way in turn, a reload every 10 s, 20 scrapes a second. bench/soak.sh runs
 * the 10-minute version and writes its figures to docs/benchmarks.md.
 */
class SoakTest {
  @Test
  @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES) // 60 s of soak, start and wind-down on a busy machine; bench/soak.sh runs longer ones
  void theExporterKeepsItsPromisesWhileEveryUpstreamKeepsFailing() throws Exception {
    Duration duration = Duration.ofSeconds(Long.getLong("soak.seconds", 60));
    // Kept after the build: the exporter's log, its GC log and the thread dumps of any stall.
    Path dir = Files.createDirectories(Path.of("target", "soak", java.time.LocalDateTime.now().toString().replace(':', '-')));
    SoakReport report = new SoakReport(new Soak(duration, Long.getLong("soak.seed", System.nanoTime()), dir).run());
    String text = report.markdown() + "\nRun directory: " + dir.toAbsolutePath() + "\n";
    System.out.println(text);
    assertTrue(report.violations().isEmpty(), text);
  }
}
