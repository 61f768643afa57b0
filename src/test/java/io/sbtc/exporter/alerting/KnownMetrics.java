package io.sbtc.exporter.alerting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every metric name an alert or a dashboard may use: the sbtc_ families in docs/metrics.md, the
 * signer metrics docs/metrics.md says are relayed, the recording rules of our rule file, and the
 * series Prometheus itself makes.
 */
final class KnownMetrics {
  /** Series Prometheus makes itself: scrape health and the state of alerts. */
  static final Set<String> PROMETHEUS = Set.of("up", "ALERTS");

  private static final Path METRICS_DOC = Path.of("docs/metrics.md");
  private static final Pattern TABLE_ROW = Pattern.compile("^\\|\\s*`(sbtc_[a-z0-9_]+)`\\s*\\|", Pattern.MULTILINE);
  private static final Pattern CODE = Pattern.compile("`([a-z][a-z0-9_]*)(?:\\{[^`]*})?`");

  private KnownMetrics() {}

  /** The sbtc_ families in the tables of docs/metrics.md. */
  static Set<String> documented() {
    Set<String> names = new TreeSet<>();
    Matcher m = TABLE_ROW.matcher(doc());
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The signer's own names listed under "Relayed signer metrics" in docs/metrics.md. */
  static Set<String> relayed() {
    String doc = doc();
    int start = doc.indexOf("### Relayed signer metrics");
    if (start < 0) {
      throw new AssertionError("docs/metrics.md has no \"### Relayed signer metrics\" section");
    }
    int end = doc.indexOf("\n#", start + 1);
    String section = doc.substring(start, end < 0 ? doc.length() : end);
    Set<String> names = new TreeSet<>();
    Matcher m = CODE.matcher(section);
    while (m.find()) {
      if (!m.group(1).startsWith("sbtc_")) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Why {@code name} is not known, or empty if it is. */
  static String problem(String name, Set<String> recordingRules) {
    if (documented().contains(name) || PROMETHEUS.contains(name)
        || recordingRules.contains(name) || isRelayed(name)) {
      return "";
    }
    return name + " is neither in docs/metrics.md nor relayed from the signer";
  }



  /** A relayed name, or a histogram's _bucket/_sum/_count series of one. */
  static boolean isRelayed(String name) {
    Set<String> relayed = relayed();
    return relayed.contains(name) || relayed.contains(name.replaceFirst("_(bucket|sum|count)$", ""));
  }

  private static String doc() {
    try {
      return Files.readString(METRICS_DOC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
