package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.sbtc.exporter.ExporterVerticle;
import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.testing.Await;
import io.sbtc.exporter.testing.CapturedLogs;
import io.sbtc.exporter.testing.Pem;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS and basic auth from an exporter-toolkit web config file, as node_exporter users write it. */
@Timeout(90) // Each test: bcrypt hashing and at most two 5 s reload checks.
class WebSecurityTest {
  /** The file is checked every 5 s; a generous bound for a busy machine. */
  static final Duration RELOAD_CHECK = Duration.ofSeconds(30);

  @TempDir
  Path dir;
  Vertx vertx;
  ExporterVerticle exporter;

  @AfterEach
  void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  static String hash(String password) {
    return BCrypt.withDefaults().hashToString(10, password.toCharArray());
  }

  int start(Path webConfig) throws Exception {
    ExporterConfig config = ConfigLoader.parse("test.yml", "listen_address: \"127.0.0.1:0\"\nweb_config_file: \"" + webConfig + "\"\n",
        Map.<String, String>of()::get);
    vertx = Vertx.vertx();
    exporter = new ExporterVerticle(config, Clock.systemUTC());
    vertx.deployVerticle(exporter).await(20, TimeUnit.SECONDS);
    return exporter.port();
  }

  static HttpResponse<String> get(HttpClient client, String url, String user, String password) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void basicAuthWithBcryptHashes() throws Exception {
    Path web = dir.resolve("web.yml");
    Files.writeString(web, "basic_auth_users:\n  prometheus: " + hash("right-password") + "\n");
    int port = start(web);
    HttpClient client = HttpClient.newHttpClient();
    String url = "http://127.0.0.1:" + port + "/metrics";
    HttpResponse<String> none = get(client, url, null, null);
    assertEquals(401, none.statusCode());
    assertEquals("Basic realm=\"sbtc-signer-exporter\"", none.headers().firstValue("WWW-Authenticate").orElseThrow());
    HttpResponse<String> wrong = get(client, url, "prometheus", "wrong-password");
    assertEquals(401, wrong.statusCode());
    assertEquals("Unauthorized\n", wrong.body(), "no detail on a wrong password");
    assertEquals(401, get(client, url, "nobody", "right-password").statusCode());
    HttpResponse<String> ok = get(client, url, "prometheus", "right-password");
    assertEquals(200, ok.statusCode());
    assertTrue(ok.body().contains("sbtc_exporter_build_info"));
    assertEquals(200, get(client, url, "prometheus", "right-password").statusCode(), "second request, from the cache");
  }

  @Test
  void changedWebConfigIsPickedUpAndABrokenOneIgnored() throws Exception {
    Path web = dir.resolve("web.yml");
    Files.writeString(web, "basic_auth_users:\n  prometheus: " + hash("old-password") + "\n");
    try (CapturedLogs logs = new CapturedLogs()) {
      int port = start(web);
      HttpClient client = HttpClient.newHttpClient();
      String url = "http://127.0.0.1:" + port + "/metrics";
      Files.writeString(web, "basic_auth_users:\n  prometheus: " + hash("new-password") + "\n");
      Await.until("the new password to be accepted", RELOAD_CHECK, () -> get(client, url, "prometheus", "new-password").statusCode() == 200);
      assertEquals(401, get(client, url, "prometheus", "old-password").statusCode());
      int mark = logs.count();
      Files.writeString(web, "basic_auth_users:\n  prometheus: not-a-hash\n");
      // Evidence that a reload check has read the broken file and refused it; only then is "still works" worth checking.
      logs.await("web config not reloaded", mark, RELOAD_CHECK);
      assertEquals(200, get(client, url, "prometheus", "new-password").statusCode(), "the running config stays in force");
    }
  }

  @Test
  void tlsWithRequiredAndVerifiedClientCertificates() throws Exception {
    SelfSignedCertificate server = SelfSignedCertificate.create("localhost");
    SelfSignedCertificate client = SelfSignedCertificate.create("prometheus");
    Path web = dir.resolve("web.yml");
    Files.writeString(web, """
        tls_server_config:
          cert_file: %s
          key_file: %s
          client_auth_type: RequireAndVerifyClientCert
          client_ca_file: %s
          min_version: TLS12
        """.formatted(server.certificatePath(), server.privateKeyPath(), client.certificatePath()));
    int port = start(web);
    String url = "https://localhost:" + port + "/metrics";
    HttpClient withCert = HttpClient.newBuilder().sslContext(sslContext(server, client)).build();
    assertEquals(200, get(withCert, url, null, null).statusCode());
    HttpClient withoutCert = HttpClient.newBuilder().sslContext(sslContext(server, null)).build();
    assertThrows(IOException.class, () -> get(withoutCert, url, null, null));
    HttpClient notTrusting = HttpClient.newHttpClient();
    assertThrows(SSLHandshakeException.class, () -> get(notTrusting, url, null, null));
  }

  @Test
  void tlsMisconfigurationIsAClearErrorAtStart() throws IOException {
    Path web = dir.resolve("web.yml");
    Files.writeString(web, "tls_server_config:\n  cert_file: /nonexistent/server.crt\n  key_file: /nonexistent/server.key\n");
    ConfigException missing = assertThrows(ConfigException.class, () -> io.sbtc.exporter.config.WebConfig.load(web));
    assertEquals(web + ": tls_server_config.cert_file: cannot read /nonexistent/server.crt", missing.getMessage());

    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
    Files.writeString(web, "tls_server_config:\n  cert_file: " + garbage + "\n  key_file: " + garbage + "\n");
    Exception e = assertThrows(Exception.class, () -> start(web));
    Throwable cause = e;
    while (!(cause instanceof ConfigException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    assertTrue(cause.getMessage().startsWith(web + ": tls_server_config: cannot serve with this certificate and key"), cause.getMessage());
  }

  @Test
  void clientAuthModesThatAcceptUnverifiedCertificatesAreRefused() throws IOException {
    SelfSignedCertificate server = SelfSignedCertificate.create("localhost");
    Path web = dir.resolve("web.yml");
    Files.writeString(web, "tls_server_config:\n  cert_file: " + server.certificatePath() + "\n  key_file: " + server.privateKeyPath()
        + "\n  client_auth_type: RequireAnyClientCert\n");
    ConfigException e = assertThrows(ConfigException.class, () -> io.sbtc.exporter.config.WebConfig.load(web));
    assertTrue(e.getMessage().contains("tls_server_config.client_auth_type: \"RequireAnyClientCert\" accepts unverified certificates"));
  }

  static SSLContext sslContext(SelfSignedCertificate trusted, SelfSignedCertificate clientIdentity) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", Pem.cert(trusted.certificatePath()));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (clientIdentity != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", Pem.key(clientIdentity.privateKeyPath()), "x".toCharArray(),
          new Certificate[] {Pem.cert(clientIdentity.certificatePath())});
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, "x".toCharArray());
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
