package io.sbtc.exporter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Prometheus exporter-toolkit web config file ({@code --web.config.file}), the format operators
 * already use for node_exporter: TLS for {@code /metrics} and basic auth users with bcrypt hashes.
 */
public record WebConfig(Optional<Tls> tls, Map<String, Secret> basicAuthUsers) {

  /** How strictly client certificates are checked; only modes that verify a given certificate are offered. */
  public enum ClientAuth { NONE, VERIFY_IF_GIVEN, REQUIRE_AND_VERIFY }

  public record Tls(Path certFile, Path keyFile, ClientAuth clientAuth, Optional<Path> clientCaFile, String minVersion) {}

  public static final WebConfig NONE = new WebConfig(Optional.empty(), Map.of());

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, String> TLS_VERSIONS = Map.of("TLS12", "TLSv1.2", "TLS13", "TLSv1.3");

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
    ConfigNode node = new ConfigNode(name, "", root, v -> null);
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
    String min = t.string("min_version", "TLS12");
    String protocol = TLS_VERSIONS.get(min);
    if (protocol == null) {
      throw t.error("min_version", "must be TLS12 or TLS13 (got \"" + min + "\")");
    }
    // Keys of the toolkit format that Java's TLS stack chooses well by itself; accepted so configs stay portable.
    t.accept("max_version", "cipher_suites", "curve_preferences", "prefer_server_cipher_suites");
    t.rejectUnknownKeys();
    return new Tls(cert, key, clientAuth, ca, protocol);
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
