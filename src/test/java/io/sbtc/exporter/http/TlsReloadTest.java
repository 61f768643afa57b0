package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.ExporterVerticle;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.WebConfig;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Certificates are rotated in place (cert-manager, certbot and Kubernetes secrets all rewrite the
 * same paths), and TLS settings change: what the web config says is what new connections get,
 * after the file watch, SIGHUP or POST /-/reload.
 */
class TlsReloadTest {
  @TempDir
  Path dir;
  Vertx vertx;
  ExporterVerticle exporter;
  Path cert;
  Path key;
  Path web;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** {@code reload} is what SIGHUP and POST /-/reload run; {@code watch} is the file watch. */
  @ParameterizedTest
  @ValueSource(strings = {"watch", "reload"})
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aCertificateReplacedAtTheSamePathIsServed(String trigger) throws Exception {
    SelfSignedCertificate first = SelfSignedCertificate.create("localhost");
    SelfSignedCertificate second = SelfSignedCertificate.create("localhost");
    install(first);
    int port = start(tlsConfig(""));
    assertArrayEquals(der(first), served(port, "TLSv1.3", null).getEncoded());
    install(second);
    if (trigger.equals("reload")) {
      exporter.reload().await(20, TimeUnit.SECONDS);
      assertArrayEquals(der(second), served(port, "TLSv1.3", null).getEncoded());
    } else {
      awaitServed(port, second);
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aHalfWrittenPairIsNotServed() throws Exception {
    SelfSignedCertificate first = SelfSignedCertificate.create("localhost");
    SelfSignedCertificate second = SelfSignedCertificate.create("localhost");
    install(first);
    int port = start(tlsConfig(""));
    // The new certificate is in place, its key not yet.
    Files.copy(Path.of(second.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
    Exception refused = assertThrows(Exception.class, () -> exporter.reload().await(20, TimeUnit.SECONDS));
    assertTrue(refused.getMessage().contains("the key in " + key + " does not belong to the certificate in " + cert), refused.getMessage());
    assertArrayEquals(der(first), served(port, "TLSv1.3", null).getEncoded(), "the running certificate stays in force");
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void aMinVersionChangeTakesEffect() throws Exception {
    install(SelfSignedCertificate.create("localhost"));
    int port = start(tlsConfig("  min_version: TLS12\n"));
    served(port, "TLSv1.2", null);
    Files.writeString(web, tlsConfig("  min_version: TLS13\n"));
    exporter.reload().await(20, TimeUnit.SECONDS);
    assertThrows(SSLHandshakeException.class, () -> served(port, "TLSv1.2", null));
    served(port, "TLSv1.3", null);
  }

  /** By default TLS 1.2 offers forward-secret AEAD suites only, as Go's crypto/tls does. */
  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void tls12OffersOnlyForwardSecretAeadSuitesByDefault() throws Exception {
    install(SelfSignedCertificate.create("localhost"));
    int port = start(tlsConfig(""));
    served(port, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    served(port, "TLSv1.2", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    for (String weak : new String[] {"TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"}) {
      assertThrows(SSLHandshakeException.class, () -> served(port, "TLSv1.2", weak), weak);
    }
  }

  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void cipherSuitesLimitWhatTls12Offers() throws Exception {
    install(SelfSignedCertificate.create("localhost"));
    int port = start(tlsConfig("  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384]\n"));
    served(port, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    assertThrows(SSLHandshakeException.class, () -> served(port, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
    served(port, "TLSv1.3", null); // TLS 1.3 suites are not configurable, as in the exporter-toolkit
  }

  @Test
  void cipherSuitesThatAreNotForwardSecretAeadAndCurvePreferencesAreRefused() throws Exception {
    install(SelfSignedCertificate.create("localhost"));
    Files.writeString(dir.resolve("web.yml"), tlsConfig("  cipher_suites: [TLS_RSA_WITH_AES_128_GCM_SHA256]\n"));
    ConfigException weak = assertThrows(ConfigException.class, () -> WebConfig.load(dir.resolve("web.yml")));
    assertEquals(dir.resolve("web.yml") + ": tls_server_config.cipher_suites: TLS_RSA_WITH_AES_128_GCM_SHA256 is not offered;"
        + " only forward-secret AEAD suites are: " + String.join(", ", WebConfig.TLS12_SUITES), weak.getMessage());
    Files.writeString(dir.resolve("web.yml"), tlsConfig("  curve_preferences: [X25519]\n"));
    ConfigException curves = assertThrows(ConfigException.class, () -> WebConfig.load(dir.resolve("web.yml")));
    assertTrue(curves.getMessage().startsWith(dir.resolve("web.yml") + ": tls_server_config.curve_preferences: is not supported"),
        curves.getMessage());
  }

  // --- helpers

  void install(SelfSignedCertificate c) throws IOException {
    cert = dir.resolve("tls.crt");
    key = dir.resolve("tls.key");
    Files.copy(Path.of(c.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of(c.privateKeyPath()), key, StandardCopyOption.REPLACE_EXISTING);
  }

  String tlsConfig(String extra) {
    return "tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key + "\n" + extra;
  }

  int start(String webConfig) throws Exception {
    web = Files.writeString(dir.resolve("web.yml"), webConfig);
    ExporterConfig config = ConfigLoader.parse("test.yml", "listen_address: \"127.0.0.1:0\"\nweb_config_file: \"" + web + "\"\n",
        Map.<String, String>of()::get);
    vertx = Vertx.vertx();
    exporter = new ExporterVerticle(config, Clock.systemUTC(), Optional.of(() -> config));
    vertx.deployVerticle(exporter).await(20, TimeUnit.SECONDS);
    return exporter.port();
  }

  void awaitServed(int port, SelfSignedCertificate expected) throws Exception {
    byte[] wanted = der(expected);
    Await.until("the new certificate served on a new connection", Duration.ofSeconds(20),
        () -> java.util.Arrays.equals(wanted, served(port, "TLSv1.3", null).getEncoded()));
  }

  static byte[] der(SelfSignedCertificate c) throws Exception {
    return io.sbtc.exporter.testing.Pem.cert(c.certificatePath()).getEncoded();
  }

  /** The certificate a new connection gets, offering only {@code protocol} and, when given, one cipher suite. */
  static X509Certificate served(int port, String protocol, String suite) throws Exception {
    SSLContext any = SSLContext.getInstance("TLS");
    any.init(null, new TrustManager[] {new TrustAnything()}, null);
    try (SSLSocket s = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.setEnabledProtocols(new String[] {protocol});
      if (suite != null) {
        s.setEnabledCipherSuites(new String[] {suite});
      }
      s.startHandshake();
      if (suite != null) {
        assertEquals(suite, s.getSession().getCipherSuite());
      }
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  /** The test looks at which certificate is served, so it accepts any. */
  static final class TrustAnything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
