package io.sbtc.exporter.config;

import io.sbtc.exporter.common.Redact;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A PostgreSQL server and database as operators write it: {@code postgresql://user@host:5432/db}
 * (libpq style) or {@code jdbc:postgresql://host:5432/db?user=user} (JDBC style). The password is
 * never part of it: it comes from {@code password_file} or {@code ${ENV}}, so a URL can be
 * printed and logged as it is.
 *
 * @param params the few connection parameters both libpq tools and JDBC understand (sslmode, sslrootcert)
 */
public record PgUrl(String host, int port, String database, String user, Map<String, String> params) {
  public static final int DEFAULT_PORT = 5432;
  private static final Set<String> PARAMS = Set.of("sslmode", "sslrootcert");
  private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "0:0:0:0:0:0:0:1");

  public PgUrl {
    params = Map.copyOf(params);
  }

  public static PgUrl parse(ConfigNode node, String key) {
    String text = node.requiredString(key);
    String example = "like postgresql://sbtc_exporter@127.0.0.1:5432/signer";
    String rest = text.startsWith("jdbc:") ? text.substring("jdbc:".length()) : text;
    URI uri;
    try {
      uri = new URI(rest);
    } catch (URISyntaxException e) {
      throw node.error(key, "is not a valid URL " + example + " (got \"" + shown(text) + "\")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
      throw node.error(key, "must start with postgresql:// or jdbc:postgresql:// (got \"" + shown(text, uri) + "\")");
    }
    if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
      throw node.error(key, "must not contain a password; use password_file (got \"" + shown(text, uri) + "\")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw node.error(key, "must name one host, " + example + " (got \"" + shown(text, uri) + "\")");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty() || database.contains("/")) {
      throw node.error(key, "must name a database, " + example + " (got \"" + shown(text, uri) + "\")");
    }
    Map<String, String> params = new TreeMap<>();
    String user = uri.getUserInfo();
    for (String pair : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (name.equals("password")) {
        throw node.error(key, "must not contain a password; use password_file");
      } else if (name.equals("user") && user == null) {
        user = value;
      } else if (PARAMS.contains(name)) {
        params.put(name, value);
      } else {
        throw node.error(key, "parameter \"" + name + "\" is not supported; supported: user, sslmode, sslrootcert");
      }
    }
    if (params.containsKey("sslmode") && !SSL_MODES.contains(params.get("sslmode"))) {
      throw node.error(key, "sslmode must be one of " + new java.util.TreeSet<>(SSL_MODES) + " (got \"" + params.get("sslmode") + "\")");
    }
    if (user == null || user.isEmpty()) {
      throw node.error(key, "must name a user, " + example + " (got \"" + shown(text, uri) + "\")");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new PgUrl(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), database, user, params);
  }

  /** The JDBC URL without user or password; those go in connection properties. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
  }

  /** The same server and database, in libpq form; safe to print. */
  public String display() {
    StringBuilder s = new StringBuilder("postgresql://").append(user).append('@').append(hostForUrl()).append(':').append(port)
        .append('/').append(database);
    String sep = "?";
    for (Map.Entry<String, String> p : new TreeMap<>(params).entrySet()) {
      s.append(sep).append(p.getKey()).append('=').append(p.getValue());
      sep = "&";
    }
    return s.toString();
  }

  /** Where errors say the database is: no user, no parameters. */
  public String where() {
    return "postgresql://" + hostForUrl() + ":" + port + "/" + database;
  }

  public Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name));
  }

  /**
   * Whether both name the same database on the same server. Host names are compared as written,
   * except that every loopback spelling counts as one host: a scratch server configured as
   * {@code localhost} must not slip past a signer database configured as {@code 127.0.0.1}.
   */
  public boolean sameDatabaseAs(PgUrl other) {
    return port == other.port && database.equals(other.database) && canonicalHost().equals(other.canonicalHost());
  }

  private String canonicalHost() {
    String h = host.toLowerCase(Locale.ROOT);
    return LOOPBACK.contains(h) || h.startsWith("127.") ? "loopback" : h;
  }

  private String hostForUrl() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /**
   * The URL as written, for an error message: only what cannot be secret (see
   * {@link Redact#urlAsWritten}), or, once the URL parsed and is known to hold no password, its
   * user, host, port and database.
   */
  private static String shown(String text) {
    return Redact.urlAsWritten(text);
  }

  private static String shown(String text, URI uri) {
    return uri.getHost() == null || uri.getHost().isEmpty() ? Redact.urlAsWritten(text) : (text.startsWith("jdbc:") ? "jdbc:" : "")
        + Redact.parsedUrl(uri);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return display();
  }
}
