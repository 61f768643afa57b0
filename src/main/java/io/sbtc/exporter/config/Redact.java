package io.sbtc.exporter.config;

import java.util.regex.Pattern;

/** Removes credentials from text that may reach a log line, an error message or a page. */
public final class Redact {
  private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@\\s]+@");

  private Redact() {}

  /** {@code http://user:pw@host/x} becomes {@code http://<secret>@host/x}. */
  public static String url(String url) {
    return url == null ? null : USER_INFO.matcher(url).replaceAll(Secret.MASK + "@");
  }
}
