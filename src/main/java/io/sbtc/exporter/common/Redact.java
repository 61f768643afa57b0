package io.sbtc.exporter.common;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Removes credentials from text that may reach a log line, an error message or a page. */
public final class Redact {
  /** {@code http://}, {@code postgresql://}, {@code jdbc:postgresql://}. */
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*(?::[A-Za-z][A-Za-z0-9+.-]*)?)://");
  /** A host name or IP address and an optional port: nothing else can stand between the user info and the path. */
  private static final Pattern HOST_PORT = Pattern.compile("(?:[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+])(?::\\d{1,5})?");

  private Redact() {}

  /**
   * {@code http://user:pw@host/x} becomes {@code http://<secret>@host/x}, for URLs that parsed (whose
   * user info cannot hold a raw {@code @}, {@code /} or space) and for URLs from elsewhere, such as
   * a redirect's Location: everything up to the last {@code @} counts as user info.
   */
  public static String url(String url) {
    if (url == null) {
      return null;
    }
    Matcher scheme = SCHEME.matcher(url);
    int start = scheme.find() ? scheme.end() : 0;
    int at = url.lastIndexOf('@');
    return at < start ? url : url.substring(0, start) + Secret.MASK + url.substring(at);
  }

  /**
   * A URL as an operator wrote it, for a config error: only what cannot be secret. A URL with a
   * mistake in it is exactly the one whose parts cannot be told apart: a password may hold
   * {@code @}, {@code /} and spaces, and {@code http://u:a@b} may be a password {@code a@b} with
   * the host left out. So with an {@code @} anywhere only the scheme is shown; without one, the
   * scheme and a plain host and port ({@code <hidden>} when it is not one), and the rest is
   * {@code /...}.
   */
  public static String urlAsWritten(String text) {
    Matcher scheme = SCHEME.matcher(text);
    StringBuilder shown = new StringBuilder();
    String rest = text;
    if (scheme.find()) {
      shown.append(scheme.group(1)).append("://");
      rest = text.substring(scheme.end());
    }
    if (rest.indexOf('@') >= 0) {
      return shown.append(Secret.MASK).append("@...").toString();
    }
    int end = 0;
    while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
      end++;
    }
    String authority = rest.substring(0, end);
    shown.append(HOST_PORT.matcher(authority).matches() ? authority : "<hidden>");
    if (end < rest.length()) {
      shown.append(rest.charAt(end)).append("...");
    }
    return shown.toString();
  }

  /**
   * A URL that parsed with a host, for a config error: its user info could hold no raw {@code @}
   * or {@code /}, so the parts are known. A user name is shown (it helps find the mistake), a
   * password is not, nor is the query.
   */
  public static String parsedUrl(URI uri) {
    String userInfo = uri.getRawUserInfo();
    String user = userInfo == null ? "" : (userInfo.contains(":") ? Secret.MASK : userInfo) + "@";
    String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
    return uri.getScheme() + "://" + user + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
        + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }
}
