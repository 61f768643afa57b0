package io.sbtc.exporter.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sbtc.exporter.source.logs.AutoTimestamp;
import io.sbtc.exporter.source.logs.BitcoindTimestamp;
import io.sbtc.exporter.source.logs.DockerJsonTimestamp;
import io.sbtc.exporter.source.logs.JournaldTimestamp;
import io.sbtc.exporter.source.logs.JsonLineTimestamp;
import java.time.Instant;
import java.util.Optional;

/**
 * Coverage-guided fuzzing of the log timestamp readers, which read the first line of whatever file
 * matches a glob. Property: they never throw, and a timestamp they return is a real instant.
 * {@code scripts/fuzz.sh 1800 io.sbtc.exporter.fuzz.LogTimestampFuzzTest} runs it longer.
 */
public class LogTimestampFuzzTest {

  @FuzzTest(maxDuration = "15s")
  void readersNeverThrow(FuzzedDataProvider data) {
    check(data);
  }

  public static void fuzzerTestOneInput(FuzzedDataProvider data) {
    check(data);
  }

  static void check(FuzzedDataProvider data) {
    String line = data.consumeRemainingAsString();
    for (Optional<Instant> t : java.util.List.of(AutoTimestamp.parse(line), BitcoindTimestamp.parse(line),
        DockerJsonTimestamp.parse(line), JournaldTimestamp.parse(line), JsonLineTimestamp.parse(line))) {
      t.ifPresent(Instant::getEpochSecond);
    }
  }
}
