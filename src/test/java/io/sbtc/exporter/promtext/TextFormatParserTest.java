package io.sbtc.exporter.promtext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.UnknownSnapshot;
import io.sbtc.exporter.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TextFormatParserTest {

  static String write(ParseResult r) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, new MetricSnapshots(r.families()));
    return out.toString(StandardCharsets.UTF_8);
  }

  static MetricSnapshot family(ParseResult r, String name) {
    return r.families().stream().filter(f -> f.getMetadata().getPrometheusName().equals(name)
        || f.getMetadata().getName().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no family " + name));
  }

  @Test
  void relaysTheRealSignerExpositionWithNamesAndLabelsUnchanged() throws Exception {
    ParseResult r = TextFormatParser.parse(Fixtures.text("signer/metrics.prom"), "");
    String out = write(r);
    assertTrue(out.contains("sign_requests_total{app=\"signer\",blockchain=\"bitcoin\",kind=\"sweep\",status=\"success\"} 2306.0"), out);
    assertTrue(out.contains("blocks_observed_total{app=\"signer\",blockchain=\"bitcoin\"} 1288.0"));
    assertTrue(out.contains("peers_connected{app=\"signer\"} 13.0"));
    assertTrue(family(r, "sign_requests") instanceof CounterSnapshot);
    // The signer declares validation_duration_seconds as counter and histogram: the histogram wins.
    assertTrue(family(r, "validation_duration_seconds") instanceof HistogramSnapshot);
    assertFalse(out.contains("validation_duration_seconds{app=\"signer\"} "), "the clashing counter sample is dropped");
    assertEquals(2, r.skippedLines(), "the clashing TYPE line and its counter sample: " + r.firstProblem());
  }

  @Test
  void signerHistogramWithBothInfSpellingsIsOneBucket() throws Exception {
    String text = """
        # TYPE signing_round_duration_seconds histogram
        signing_round_duration_seconds_bucket{app="signer",le="0.5"} 3
        signing_round_duration_seconds_bucket{app="signer",le="inf"} 5
        signing_round_duration_seconds_bucket{app="signer",le="+Inf"} 5
        signing_round_duration_seconds_sum{app="signer"} 4.25
        signing_round_duration_seconds_count{app="signer"} 5
        """;
    String out = write(TextFormatParser.parse(text, ""));
    assertTrue(out.contains("signing_round_duration_seconds_bucket{app=\"signer\",le=\"0.5\"} 3"), out);
    assertTrue(out.contains("signing_round_duration_seconds_bucket{app=\"signer\",le=\"+Inf\"} 5"), out);
    assertTrue(out.contains("signing_round_duration_seconds_count{app=\"signer\"} 5"), out);
    assertTrue(out.contains("signing_round_duration_seconds_sum{app=\"signer\"} 4.25"), out);
  }

  @Test
  void typeDeclaredTwiceKeepsTheRicherTypeWhateverTheOrder() throws Exception {
    String histogramFirst = """
        # TYPE x histogram
        x_bucket{le="+Inf"} 2
        x_sum 1
        x_count 2
        # TYPE x counter
        x 7
        """;
    String counterFirst = """
        # TYPE x counter
        x 7
        # TYPE x histogram
        x_bucket{le="+Inf"} 2
        x_sum 1
        x_count 2
        """;
    assertEquals(write(TextFormatParser.parse(histogramFirst, "")), write(TextFormatParser.parse(counterFirst, "")));
    assertTrue(family(TextFormatParser.parse(counterFirst, ""), "x") instanceof HistogramSnapshot);
  }

  @Test
  void labelEscapesAndTimestampsAndSpecialValues() throws Exception {
    String text = """
        # HELP g A gauge with \\\\ and \\n in its help.
        # TYPE g gauge
        g{path="C:\\\\dir",quote="say \\"hi\\"",nl="a\\nb",} 1.5 1700000000000
        g{path="x"} NaN
        g{path="y"} +Inf
        g{path="z"} -Inf
        g{path="e"} 1e3
        """;
    ParseResult r = TextFormatParser.parse(text, "");
    assertEquals(0, r.skippedLines(), r.firstProblem());
    String out = write(r);
    assertTrue(out.contains("g{nl=\"a\\nb\",path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\"} 1.5\n"), out);
    assertTrue(out.contains("g{path=\"x\"} NaN"));
    assertTrue(out.contains("g{path=\"y\"} +Inf"));
    assertTrue(out.contains("g{path=\"z\"} -Inf"));
    assertTrue(out.contains("g{path=\"e\"} 1000.0"));
    assertTrue(out.contains("# HELP g A gauge with \\\\ and \\n in its help."), out);
  }

  @Test
  void summaryAndUntypedAreRelayed() throws Exception {
    String text = """
        # TYPE rpc_seconds summary
        rpc_seconds{quantile="0.5"} 0.2
        rpc_seconds{quantile="0.99"} 1.1
        rpc_seconds_sum 12
        rpc_seconds_count 40
        something_without_type 3
        """;
    String out = write(TextFormatParser.parse(text, ""));
    assertTrue(out.contains("rpc_seconds{quantile=\"0.99\"} 1.1"), out);
    assertTrue(out.contains("rpc_seconds_count 40"), out);
    assertTrue(out.contains("# TYPE something_without_type untyped\nsomething_without_type 3.0"), out);
  }

  @Test
  void counterWithoutTotalSuffixKeepsItsName() throws Exception {
    ParseResult r = TextFormatParser.parse("# TYPE requests counter\nrequests 5\n", "");
    assertTrue(family(r, "requests") instanceof UnknownSnapshot);
    assertTrue(write(r).contains("\nrequests 5.0\n"));
  }

  @Test
  void relayPrefixIsAddedToEveryFamily() throws Exception {
    ParseResult r = TextFormatParser.parse("# TYPE peers_connected gauge\npeers_connected{app=\"signer\"} 13\n", "signer_");
    assertTrue(write(r).contains("signer_peers_connected{app=\"signer\"} 13.0"));
  }

  @Test
  void openMetricsOutputOfRelayedCountersIsValid() throws Exception {
    ParseResult r = TextFormatParser.parse(Fixtures.text("signer/metrics.prom"), "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    OpenMetricsTextFormatWriter.create().write(out, new MetricSnapshots(r.families()));
    String om = out.toString(StandardCharsets.UTF_8);
    assertTrue(om.contains("# TYPE sign_requests counter\n"), om);
    assertTrue(om.contains("sign_requests_total{app=\"signer\",blockchain=\"bitcoin\",kind=\"sweep\",status=\"success\"} 2306.0"));
    assertTrue(om.endsWith("# EOF\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "truncated{app=\"signer\"",          // unterminated label set
      "bad_escape{a=\"\\q\"} 1",           // unknown escape
      "no_value{a=\"b\"}",                 // missing value
      "java_only 1d",                      // Java would parse 1d; Prometheus does not
      "two_values 1 2 3",                  // junk after the timestamp
      "dup{a=\"1\",a=\"2\"} 1",            // duplicate label
      "{a=\"1\"} 1",                       // no name
      "# TYPE t bogus",                    // unknown type
  })
  void malformedLinesAreSkippedAndCountedWhileGoodOnesSurvive(String bad) throws Exception {
    ParseResult r = TextFormatParser.parse("good 1\n" + bad + "\nalso_good{x=\"y\"} 2\n", "");
    assertEquals(1, r.skippedLines(), "for " + bad);
    assertTrue(r.firstProblem().startsWith("line 2: "), r.firstProblem());
    String out = write(r);
    assertTrue(out.contains("good 1.0"));
    assertTrue(out.contains("also_good{x=\"y\"} 2.0"));
  }

  @Test
  void duplicateSeriesKeepTheFirstValue() throws Exception {
    ParseResult r = TextFormatParser.parse("# TYPE g gauge\ng{a=\"1\"} 1\ng{a=\"1\"} 2\n", "");
    assertEquals(1, r.skippedLines());
    assertTrue(write(r).contains("g{a=\"1\"} 1.0"));
  }

  @Test
  void invalidHistogramIsRelayedAsUntypedSamplesNotLost() throws Exception {
    String text = """
        # TYPE h histogram
        h_bucket{le="1"} 5
        h_bucket{le="+Inf"} 3
        h_sum 2
        h_count 3
        """;
    String out = write(TextFormatParser.parse(text, ""));
    assertTrue(out.contains("h_bucket{le=\"1\"} 5.0"), out);
    assertTrue(out.contains("h_count 3.0"), out);
  }

  @Test
  void htmlErrorPageIsAParseError() {
    String html = "<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1></body></html>\n";
    ParseException e = assertThrows(ParseException.class, () -> TextFormatParser.parse(html, ""));
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }

  @Test
  void binaryGarbageIsAParseErrorNotACrash() {
    byte[] junk = new byte[64 * 1024];
    new Random(42).nextBytes(junk);
    String text = new String(junk, StandardCharsets.ISO_8859_1);
    assertThrows(ParseException.class, () -> TextFormatParser.parse(text, ""));
  }

  @Test
  void emptyBodyIsAnEmptyResultNotAnError() throws Exception {
    ParseResult r = TextFormatParser.parse("", "");
    assertEquals(0, r.families().size());
  }

  @Test
  void fiftyMegabytesAreParsedWithoutFailing() throws Exception {
    StringBuilder b = new StringBuilder(52 * 1024 * 1024);
    b.append("# TYPE big gauge\n");
    int i = 0;
    while (b.length() < 50 * 1024 * 1024) {
      b.append("big{series=\"").append(i++).append("\",pad=\"").append("x".repeat(200)).append("\"} ").append(i).append('\n');
    }
    ParseResult r = TextFormatParser.parse(b.toString(), "");
    assertEquals(i, r.seriesCount());
    assertEquals(0, r.skippedLines());
  }

  // --- what a page may cost (a hostile page of a million tiny series fits 16 MiB)

  @Test
  void theSeriesLimitCountsEverySampleLineAndStopsOneLineAfterIt() throws Exception {
    String histogram = """
        # TYPE d histogram
        d_bucket{le="1"} 1
        d_bucket{le="+Inf"} 2
        d_sum 3
        d_count 2
        up 1
        """;
    // Two buckets, sum, count and up: five sample lines, as Prometheus counts series.
    assertEquals(2, TextFormatParser.parse(histogram, "", 5).families().size());
    ParseException over = assertThrows(ParseException.class, () -> TextFormatParser.parse(histogram, "", 4));
    assertTrue(over.tooLarge());
    assertEquals("more than 4 series (line 6)", over.getMessage());
    assertFalse(assertThrows(ParseException.class, () -> TextFormatParser.parse("garbage here\n", "", 4)).tooLarge());
  }

  @ParameterizedTest
  @ValueSource(strings = {"TYPE", "HELP"})
  void namesWithoutSamplesCountToo(String keyword) {
    StringBuilder page = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      page.append("# ").append(keyword).append(" m").append(i).append(keyword.equals("TYPE") ? " gauge\n" : " text\n");
    }
    ParseException e = assertThrows(ParseException.class, () -> TextFormatParser.parse(page.toString(), "", 10));
    assertTrue(e.tooLarge(), e.getMessage());
    assertEquals("more than 10 " + keyword + " names", e.getMessage());
  }

  @Test
  void aSeriesWithMoreThan64LabelsIsSkippedWithoutReadingThemAll() throws Exception {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      labels.append("l").append(i).append("=\"\",");
    }
    ParseResult r = TextFormatParser.parse("wide{" + labels + "} 1\nup 1\n", "");
    assertEquals(1, r.seriesCount());
    assertEquals("line 1: more than 64 labels", r.firstProblem());
  }
}
