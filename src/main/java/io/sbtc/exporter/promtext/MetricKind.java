package io.sbtc.exporter.promtext;

import java.util.Locale;

/** The types a TYPE line may declare. */
enum MetricKind {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  SUMMARY,
  UNTYPED;

  static MetricKind parse(String word) throws LineReader.Malformed {
    return switch (word) {
      case "counter" -> COUNTER;
      case "gauge" -> GAUGE;
      case "histogram" -> HISTOGRAM;
      case "summary" -> SUMMARY;
      case "untyped", "unknown" -> UNTYPED;
      default -> throw new LineReader.Malformed("unknown type \"" + LineReader.abbreviate(word) + "\"");
    };
  }

  /** Which type wins when a name is declared twice: the one that carries more. */
  int richness() {
    return switch (this) {
      case HISTOGRAM -> 4;
      case SUMMARY -> 3;
      case COUNTER -> 2;
      case GAUGE -> 1;
      case UNTYPED -> 0;
    };
  }

  String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
