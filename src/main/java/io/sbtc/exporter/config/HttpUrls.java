package io.sbtc.exporter.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Reading and printing the http(s) URLs of a config; a URL's user info is a credential. */
final class HttpUrls {
  private HttpUrls() {}

  static URI parse(ConfigNode node, String key, String s) {
    String scheme = s.contains("://") ? s.substring(0, s.indexOf("://")).toLowerCase(Locale.ROOT) : "";
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw node.error(key, "must be a URL starting with http:// or https:// (got \"" + Redact.url(s) + "\")");
    }
    try {
      URI uri = new URI(s);
      if (uri.getHost() == null || uri.getHost().isEmpty()) {
        throw node.error(key, "must be a URL with a host (got \"" + Redact.url(s) + "\")");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw node.error(key, "is not a valid URL (got \"" + Redact.url(s) + "\")");
    }
  }

  /**
   * The URL as {@code --check-config} prints it. User info written as environment references is
   * printed as written, which reads back the same. Written literally it is masked, and that printout
   * does not load (the loader says why) rather than carry the password.
   *
   * @param printedExpanded the URL with references expanded, escaped for printing
   */
  static String printable(String asWritten, String printedExpanded) {
    if (Redact.url(printedExpanded).equals(printedExpanded)) {
      return printedExpanded;
    }
    int scheme = asWritten.indexOf("://");
    int at = scheme < 0 ? -1 : asWritten.indexOf('@', scheme);
    if (at > scheme) {
      String userInfo = asWritten.substring(scheme + 3, at);
      String secretPart = userInfo.contains(":") ? userInfo.substring(userInfo.indexOf(':') + 1) : userInfo;
      if (ConfigNode.SECRET_REF.matcher(secretPart).matches() && !asWritten.substring(at + 1).contains("@")) {
        return asWritten;
      }
    }
    return Redact.url(printedExpanded);
  }
}
