package io.sbtc.exporter.config;

import io.sbtc.exporter.common.Redact;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Reading and printing the http(s) URLs of a config; a URL's user info is a credential. */
final class HttpUrls {
  private HttpUrls() {}

  /** Errors quote only what cannot be secret: a password may hold '@', '/' or a space and break the parse. */
  static URI parse(ConfigNode node, String key, String s) {
    String scheme = s.contains("://") ? s.substring(0, s.indexOf("://")).toLowerCase(Locale.ROOT) : "";
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw node.error(key, "must be a URL starting with http:// or https:// (got \"" + shown(s) + "\")");
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      // The exception's message quotes the whole input; its reason and index do not.
      throw node.error(key, "is not a valid URL: " + e.getReason().toLowerCase(Locale.ROOT) + " at character " + (e.getIndex() + 1)
          + " (got \"" + Redact.urlAsWritten(s) + "\")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw node.error(key, "must be a URL with a host (got \"" + Redact.urlAsWritten(s) + "\")");
    }
    return uri;
  }

  /** A URL in a config error: its parts when it parses with a host, else only what cannot be secret. */
  private static String shown(String s) {
    try {
      URI uri = new URI(s);
      return uri.getHost() == null || uri.getHost().isEmpty() ? Redact.urlAsWritten(s) : Redact.parsedUrl(uri);
    } catch (URISyntaxException e) {
      return Redact.urlAsWritten(s);
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
