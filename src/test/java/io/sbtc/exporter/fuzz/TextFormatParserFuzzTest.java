package io.sbtc.exporter.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sbtc.exporter.promtext.ParseException;
import io.sbtc.exporter.promtext.ParseResult;
import io.sbtc.exporter.promtext.TextFormatParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing of the parser that reads whatever the signer's endpoint sends. Property:
 * it throws nothing but {@link ParseException}, and whatever it accepts can be written back out in
 * both exposition formats (a relayed family must never break a scrape).
 *
 * <p>{@code mvn verify} fuzzes it for 20 seconds (the {@code fuzz} execution in the pom); for a
 * longer run see {@code scripts/fuzz.sh}.
 */
public class TextFormatParserFuzzTest {

  @FuzzTest(maxDuration = "20s")
  void parserThrowsOnlyParseExceptionAndItsOutputAlwaysSerializes(FuzzedDataProvider data) throws IOException {
    check(data);
  }

  /** The entry point of the standalone fuzzer, for long runs (scripts/fuzz.sh). */
  public static void fuzzerTestOneInput(FuzzedDataProvider data) throws IOException {
    check(data);
  }

  static void check(FuzzedDataProvider data) throws IOException {
    String prefix = data.consumeBoolean() ? "" : "relay_";
    String text = data.consumeRemainingAsString();
    ParseResult result;
    try {
      result = TextFormatParser.parse(text, prefix);
    } catch (ParseException expected) {
      return;
    }
    MetricSnapshots snapshots = new MetricSnapshots(result.families());
    PrometheusTextFormatWriter.create().write(new ByteArrayOutputStream(), snapshots);
    OpenMetricsTextFormatWriter.create().write(new ByteArrayOutputStream(), snapshots);
  }
}
