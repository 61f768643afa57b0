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
    return query(at < start ? url : url.substring(0, start) + Secret.MASK + url.substring(at));
  }

  /**
   * Query values are masked too ({@code ?token=<secret>}): an endpoint behind a proxy may take its
   * key there. The names stay, they help tell two URLs apart; a fragment never leaves the client.
   */
  private static String query(String url) {
    int q = url.indexOf('?');
    int hash = url.indexOf('#');
    if (q < 0 && hash < 0) {
      return url;
    }
    int end = hash < 0 ? url.length() : hash;
    StringBuilder out = new StringBuilder(url.substring(0, q < 0 || q > end ? end : q));
    if (q >= 0 && q < end) {
      out.append('?');
      String[] params = url.substring(q + 1, end).split("&", -1);
      for (int i = 0; i < params.length; i++) {
        int eq = params[i].indexOf('=');
        out.append(i == 0 ? "" : "&").append(eq < 0 ? (params[i].isEmpty() ? "" : Secret.MASK) : params[i].substring(0, eq + 1) + Secret.MASK);
      }
    }
    return hash < 0 ? out.toString() : out.append("#").append(Secret.MASK).toString();
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
