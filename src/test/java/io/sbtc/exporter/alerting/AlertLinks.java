package io.sbtc.exporter.alerting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two base URLs every alert's links start from, read from alerts/set-links.sh: the script that
 * rewrites them is where they are defined, so the tests cannot hold a second copy that drifts.
 */
final class AlertLinks {
  static final Path SCRIPT = Path.of("alerts/set-links.sh");
  static final String RUNBOOKS_URL = constant("RUNBOOKS_URL");
  static final String GRAFANA_URL = constant("GRAFANA_URL");

  private AlertLinks() {}

  private static String constant(String name) {
    try {
      Matcher m = Pattern.compile("^" + name + "=(\\S+)$", Pattern.MULTILINE).matcher(Files.readString(SCRIPT));
      if (!m.find()) {
        throw new AssertionError(SCRIPT + " defines no " + name + "=<url> line");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
