package io.sbtc.exporter.bench;

import io.sbtc.exporter.testing.Fixtures;
import java.util.ArrayList;
import java.util.List;

/**
 * A signer metrics page of a chosen size, grown from the real one in the fixtures: each family is
 * repeated with an extra {@code replica} label until there are enough sample lines. Histograms stay
 * whole, so the page is as valid (and as odd, with its double TYPE) as the signer's own.
 *
 * <p>"Series" here means sample lines, each a series in Prometheus's storage.
 */
public final class SignerPayload {
  private SignerPayload() {}

  /** Prints a page of at least {@code args[0]} series (400 if absent) to standard output. */
  public static void main(String[] args) {
    System.out.print(generate(args.length > 0 ? Integer.parseInt(args[0]) : 400));
  }

  /** At least {@code minSeries} sample lines, in whole families; deterministic. */
  public static String generate(int minSeries) {
    List<List<String>> families = families(Fixtures.text("signer/metrics.prom"));
    int perCopy = families.stream().mapToInt(f -> f.size() - 1).sum();
    int copies = minSeries / perCopy;
    int extra = 0; // families that get one copy more, to reach minSeries
    int total = copies * perCopy;
    while (total < minSeries) {
      total += families.get(extra++).size() - 1;
    }
    StringBuilder out = new StringBuilder(minSeries * 160);
    for (int i = 0; i < families.size(); i++) {
      List<String> family = families.get(i);
      out.append(family.get(0)).append('\n');
      int n = copies + (i < extra ? 1 : 0);
      for (int copy = 0; copy < n; copy++) {
        for (String sample : family.subList(1, family.size())) {
          out.append(copy == 0 ? sample : withReplica(sample, copy)).append('\n');
        }
      }
      out.append('\n');
    }
    return out.toString();
  }

  public static int seriesCount(String page) {
    return (int) page.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
  }

  /** Each family as its TYPE line followed by its sample lines. */
  private static List<List<String>> families(String page) {
    List<List<String>> families = new ArrayList<>();
    for (String line : page.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        families.add(new ArrayList<>(List.of(line)));
      } else if (!line.isBlank() && !line.startsWith("#") && !families.isEmpty()) {
        families.get(families.size() - 1).add(line);
      }
    }
    return families;
  }

  private static String withReplica(String sample, int copy) {
    int brace = sample.indexOf('{');
    if (brace >= 0) {
      return sample.substring(0, brace + 1) + "replica=\"" + copy + "\"," + sample.substring(brace + 1);
    }
    int space = sample.indexOf(' ');
    return sample.substring(0, space) + "{replica=\"" + copy + "\"}" + sample.substring(space);
  }
}
