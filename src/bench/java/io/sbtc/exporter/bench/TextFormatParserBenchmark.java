package io.sbtc.exporter.bench;

import io.sbtc.exporter.promtext.ParseException;
import io.sbtc.exporter.promtext.ParseResult;
import io.sbtc.exporter.promtext.TextFormatParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Parsing a big signer's page: what one poll of signer_metrics costs. Per series = per op / series. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TextFormatParserBenchmark {
  @Param("10000")
  public int series;

  private String page;

  @Setup
  public void generate() {
    page = SignerPayload.generate(series);
  }

  @Benchmark
  public ParseResult parse() throws ParseException {
    return TextFormatParser.parse(page, "");
  }
}
