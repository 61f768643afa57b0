package io.sbtc.exporter.testing;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@code /metrics} body in the text format, looked up by series exactly as the exporter writes
 * it: {@code name{a="x",b="y"}} with labels in alphabetical order.
 */
public record Scrape(String body, Map<String, Double> series, Set<String> typedFamilies) {

  public static Scrape of(String body) {
    Map<String, Double> series = new LinkedHashMap<>();
    Set<String> families = new LinkedHashSet<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        families.add(line.split(" ")[2]);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int space = line.lastIndexOf(' ');
        series.put(line.substring(0, space), parse(line.substring(space + 1)));
      }
    }
    return new Scrape(body, series, families);
  }

  public Optional<Double> value(String seriesName) {
    return Optional.ofNullable(series.get(seriesName));
  }

  /** The value, or an assertion-friendly failure listing what is there. */
  public double get(String seriesName) {
    Double v = series.get(seriesName);
    if (v == null) {
      throw new AssertionError("no series " + seriesName + " in scrape; series with that name: "
          + series.keySet().stream().filter(s -> s.startsWith(seriesName.split("\\{")[0])).toList());
    }
    return v;
  }

  /** {@code sbtc_exporter_source_errors_total} of one source and reason. */
  public double errors(String source, String reason) {
    return get("sbtc_exporter_source_errors_total{reason=\"" + reason + "\",source=\"" + source + "\"}");
  }

  /** {@code sbtc_exporter_source_up} of one source. */
  public double up(String source) {
    return get("sbtc_exporter_source_up{source=\"" + source + "\"}");
  }

  public boolean has(String seriesName) {
    return series.containsKey(seriesName);
  }

  /** Every series name (without labels) that starts with {@code prefix}. */
  public Set<String> namesStartingWith(String prefix) {
    Set<String> out = new LinkedHashSet<>();
    series.keySet().stream().map(s -> s.split("\\{")[0]).filter(n -> n.startsWith(prefix)).forEach(out::add);
    return out;
  }

  public List<String> lines(String prefix) {
    return body.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  /** The body as served: what a failed wait shows as the last thing it saw. */
  @Override
  public String toString() {
    return body;
  }

  private static double parse(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }
}
