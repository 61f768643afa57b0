package io.sbtc.exporter.http;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.WebConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/** What the web config's {@code tls_server_config} means to Vert.x, and the checks made before it is served. */
final class TlsSettings {
  /** TLS 1.3's suites, all forward secret and AEAD; like Go, they are not configurable. */
  private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
  private static final Map<String, String> SIGNATURES = Map.of("RSA", "SHA256withRSA", "EC", "SHA256withECDSA", "EdDSA", "Ed25519",
      "Ed25519", "Ed25519");

  private TlsSettings() {}

  static ServerSSLOptions sslOptions(WebConfig.Tls tls) {
    ServerSSLOptions ssl = new ServerSSLOptions()
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString()))
        .setEnabledSecureTransportProtocols(new LinkedHashSet<>(tls.protocols()));
    tls.tls12Suites().forEach(ssl::addEnabledCipherSuite);
    TLS13_SUITES.forEach(ssl::addEnabledCipherSuite);
    tls.clientCaFile().ifPresent(ca -> ssl.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
    ssl.setClientAuth(switch (tls.clientAuth()) {
      case NONE -> ClientAuth.NONE;
      case VERIFY_IF_GIVEN -> ClientAuth.REQUEST;
      case REQUIRE_AND_VERIFY -> ClientAuth.REQUIRED;
    });
    return ssl;
  }

  /** The files whose contents decide what is served: a change to any of them is a reload. */
  static List<Path> files(WebConfig config) {
    List<Path> files = new ArrayList<>();
    config.tls().ifPresent(tls -> {
      files.add(tls.certFile());
      files.add(tls.keyFile());
      tls.clientCaFile().ifPresent(files::add);
    });
    return files;
  }

  /**
   * The key must belong to the certificate. A rotation that writes the certificate, then the key,
   * is seen by the file watch in between; serving that pair would fail every handshake.
   *
   * @throws ConfigException naming {@code webConfigFile} when the files cannot be read or do not match
   */
  static void checkPair(Vertx vertx, Path webConfigFile, WebConfig.Tls tls) {
    X509KeyManager keys;
    try {
      PemKeyCertOptions pem = new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString());
      keys = firstX509(pem.getKeyManagerFactory(vertx).getKeyManagers());
    } catch (Exception e) {
      throw ConfigException.at(webConfigFile.toString(), "tls_server_config", "cannot serve with this certificate and key ("
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
    }
    Optional<String> alias = SIGNATURES.keySet().stream()
        .map(type -> keys.getServerAliases(type, null))
        .filter(a -> a != null && a.length > 0).map(a -> a[0]).findFirst();
    if (alias.isEmpty()) {
      return; // a key type this check does not know: the handshake is the judge
    }
    PrivateKey key = keys.getPrivateKey(alias.get());
    X509Certificate[] chain = keys.getCertificateChain(alias.get());
    if (!matches(key, chain[0].getPublicKey())) {
      throw ConfigException.at(webConfigFile.toString(), "tls_server_config", "the key in " + tls.keyFile()
          + " does not belong to the certificate in " + tls.certFile());
    }
  }

  private static boolean matches(PrivateKey key, PublicKey certified) {
    String algorithm = SIGNATURES.get(key.getAlgorithm());
    if (algorithm == null) {
      return true;
    }
    byte[] probe = "sbtc-signer-exporter key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false; // e.g. an EC key and an RSA certificate
    }
  }

  private static X509KeyManager firstX509(KeyManager[] managers) {
    for (KeyManager m : managers) {
      if (m instanceof X509KeyManager x) {
        return x;
      }
    }
    throw new IllegalStateException("no X.509 key manager");
  }
}
