package io.sbtc.exporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.sbtc.exporter.common.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Prometheus exporter-toolkit web config file ({@code --web.config.file}), the format operators
 * already use for node_exporter: TLS for {@code /metrics} and basic auth users with bcrypt hashes.
 */
public record WebConfig(Optional<Tls> tls, Map<String, Secret> basicAuthUsers) {

  /** How strictly client certificates are checked; only modes that verify a given certificate are offered. */
  public enum ClientAuth { NONE, VERIFY_IF_GIVEN, REQUIRE_AND_VERIFY }

  /**
   * @param protocols the TLS versions offered, e.g. {@code [TLSv1.2, TLSv1.3]}
   * @param tls12Suites the cipher suites offered in TLS 1.2 (TLS 1.3's are not configurable, as in Go)
   */
  public record Tls(Path certFile, Path keyFile, ClientAuth clientAuth, Optional<Path> clientCaFile, List<String> protocols,
      List<String> tls12Suites) {
    public Tls {
      protocols = List.copyOf(protocols);
      tls12Suites = List.copyOf(tls12Suites);
    }
  }

  /**
   * The TLS 1.2 suites offered by default and the only ones {@code cipher_suites} may name: forward
   * secret (ECDHE) and authenticated encryption (GCM, ChaCha20-Poly1305), the ones Go's crypto/tls
   * prefers. The names are the IANA ones, which the exporter-toolkit and Java share.
   */
  public static final List<String> TLS12_SUITES = List.of(
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  public static final WebConfig NONE = new WebConfig(Optional.empty(), Map.of());

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** In order, oldest first. */
  private static final List<String> TLS_VERSIONS = List.of("TLS12", "TLS13");

  public boolean authRequired() {
    return !basicAuthUsers.isEmpty();
  }

  public static WebConfig load(Path file) {
    String name = file.toString();
    JsonNode root;
    try {
      String text = Files.readString(file);
      root = text.isBlank() ? YAML.createObjectNode() : YAML.readTree(text);
    } catch (IOException e) {
      throw ConfigException.at(name, "", "cannot read the web config file (" + e.getClass().getSimpleName() + ")");
    }
    if (root == null || !root.isObject()) {
      throw ConfigException.at(name, "", "the top level must be a mapping");
    }
    ConfigNode node = new ConfigNode(name, "", root, v -> null, new SecretFileWarnings());
    Optional<Tls> tls = node.object("tls_server_config").map(WebConfig::readTls);
    Map<String, Secret> users = new LinkedHashMap<>();
    node.object("basic_auth_users").ifPresent(u -> readUsers(u, root.get("basic_auth_users"), users));
    node.object("http_server_config").ifPresent(h -> {
      h.accept("http2", "headers"); // accepted for compatibility; the exporter serves HTTP/1.1 with its own headers
      h.rejectUnknownKeys();
    });
    node.rejectUnknownKeys();
    return new WebConfig(tls, Map.copyOf(users));
  }

  private static Tls readTls(ConfigNode t) {
    Path cert = t.path("cert_file").orElseThrow(() -> t.error("cert_file", "is required"));
    Path key = t.path("key_file").orElseThrow(() -> t.error("key_file", "is required"));
    if (!Files.isReadable(cert)) {
      throw t.error("cert_file", "cannot read " + cert);
    }
    if (!Files.isReadable(key)) {
      throw t.error("key_file", "cannot read " + key);
    }
    String authType = t.string("client_auth_type", "NoClientCert");
    ClientAuth clientAuth = switch (authType) {
      case "NoClientCert" -> ClientAuth.NONE;
      case "VerifyClientCertIfGiven" -> ClientAuth.VERIFY_IF_GIVEN;
      case "RequireAndVerifyClientCert" -> ClientAuth.REQUIRE_AND_VERIFY;
      case "RequestClientCert", "RequireAnyClientCert" -> throw t.error("client_auth_type",
          "\"" + authType + "\" accepts unverified certificates and is not supported; use VerifyClientCertIfGiven or RequireAndVerifyClientCert");
      default -> throw t.error("client_auth_type", "must be NoClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert (got \"" + authType + "\")");
    };
    Optional<Path> ca = t.path("client_ca_file");
    if (clientAuth != ClientAuth.NONE && ca.isEmpty()) {
      throw t.error("client_ca_file", "is required with client_auth_type " + authType);
    }
    if (ca.isPresent() && !Files.isReadable(ca.get())) {
      throw t.error("client_ca_file", "cannot read " + ca.get());
    }
    int min = version(t, "min_version", "TLS12");
    int max = version(t, "max_version", "TLS13");
    if (max < min) {
      throw t.error("max_version", "must not be below min_version " + TLS_VERSIONS.get(min) + " (got \"" + TLS_VERSIONS.get(max) + "\")");
    }
    List<String> protocols = new ArrayList<>();
    for (int v = min; v <= max; v++) {
      protocols.add("TLSv1." + (2 + v));
    }
    List<String> suites = t.has("cipher_suites") ? t.stringList("cipher_suites") : TLS12_SUITES;
    if (suites.isEmpty()) {
      throw t.error("cipher_suites", "must name at least one suite, or be left out");
    }
    for (String suite : suites) {
      if (!TLS12_SUITES.contains(suite)) {
        throw t.error("cipher_suites", suite + " is not offered; only forward-secret AEAD suites are: " + String.join(", ", TLS12_SUITES));
      }
    }
    if (t.has("curve_preferences")) {
      throw t.error("curve_preferences", "is not supported: Java's TLS chooses among X25519, P-256 and P-384 itself; remove the key");
    }
    // Go ignores it since 1.17 and so does the exporter; accepted so that configs stay portable.
    t.accept("prefer_server_cipher_suites");
    t.rejectUnknownKeys();
    return new Tls(cert, key, clientAuth, ca, protocols, suites);
  }

  private static int version(ConfigNode t, String key, String fallback) {
    String v = t.string(key, fallback);
    int index = TLS_VERSIONS.indexOf(v);
    if (index < 0) {
      throw t.error(key, "must be TLS12 or TLS13 (got \"" + v + "\")");
    }
    return index;
  }

  private static void readUsers(ConfigNode node, JsonNode raw, Map<String, Secret> users) {
    raw.fieldNames().forEachRemaining(user -> {
      String hash = node.requiredString(user);
      if (!hash.matches("\\$2[abxy]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
        throw node.error(user, "must be a bcrypt hash as made by htpasswd -nBC 10 (the value is not shown)");
      }
      users.put(user, new Secret(hash));
    });
  }
}
