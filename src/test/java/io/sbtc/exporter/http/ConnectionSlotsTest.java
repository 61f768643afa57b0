package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.ExporterVerticle;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anyone who can open a TCP connection (no credentials needed) must not be able to lock
 * Prometheus out: connections that send no request give way to new ones, and a request's headers
 * must arrive in time, while a scraper's keep-alive connection may wait between scrapes.
 */
class ConnectionSlotsTest {
  @TempDir
  Path dir;
  Vertx vertx;
  ExporterVerticle exporter;
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void idleConnectionsInEverySlotGiveWayToAScrape(boolean tls) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    String web = tls ? "tls_server_config:\n  cert_file: " + cert.certificatePath() + "\n  key_file: " + cert.privateKeyPath() + "\n" : "";
    int port = start(web);
    SSLContext trusting = WebSecurityTest.sslContext(cert, null);
    // More idle connections than there are slots, each past its TLS handshake, none sending a request.
    for (int i = 0; i < ConnectionSlots.MAX_CONNECTIONS + 6; i++) {
      if (tls) {
        handshaken(trusting, port);
      } else {
        connected(port);
      }
    }
    HttpClient scraper = tls ? HttpClient.newBuilder().sslContext(trusting).build() : HttpClient.newHttpClient();
    String url = (tls ? "https://localhost:" : "http://127.0.0.1:") + port + "/metrics";
    HttpResponse<String> scrape = WebSecurityTest.get(scraper, url, null, null);
    assertEquals(200, scrape.statusCode());
    assertTrue(scrape.body().contains("sbtc_exporter_build_info"));
    assertTrue(closedWithin(sockets.get(0), Duration.ofSeconds(10)), "the connection idle the longest made room");
  }

  /**
   * A client that sends its request headers one byte at a time never completes a request; it is
   * cut off after the header timeout, while a keep-alive connection that waits longer than that
   * between two requests is still served.
   */
  @Test
  @Timeout(value = 1, unit = TimeUnit.MINUTES)
  void headersMustArriveInTimeButKeepAliveMayWaitLonger() throws Exception {
    int port = start("");
    Socket keepAlive = connected(port);
    assertEquals(200, request(keepAlive));
    Socket dripper = connected(port);
    OutputStream drip = dripper.getOutputStream();
    drip.write("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
    long started = System.nanoTime();
    boolean cut = false;
    while (!cut && System.nanoTime() - started < Duration.ofSeconds(30).toNanos()) {
      try {
        drip.write('X');
        drip.flush();
      } catch (IOException closed) {
        cut = true;
      }
      cut = cut || closedWithin(dripper, Duration.ofMillis(500));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertTrue(cut, "a client that never finishes its headers keeps its connection");
    assertTrue(took.compareTo(ConnectionSlots.HEADER_TIMEOUT.minusSeconds(1)) >= 0, "cut off early: " + took);
    assertEquals(200, request(keepAlive), "the keep-alive connection, idle for longer than the header timeout, still works");
  }

  // --- helpers

  int start(String webConfig) throws Exception {
    Path web = Files.writeString(dir.resolve("web.yml"), webConfig);
    ExporterConfig config = ConfigLoader.parse("test.yml", "listen_address: \"127.0.0.1:0\"\nweb_config_file: \"" + web + "\"\n",
        Map.<String, String>of()::get);
    vertx = Vertx.vertx();
    exporter = new ExporterVerticle(config, Clock.systemUTC());
    vertx.deployVerticle(exporter).await(20, TimeUnit.SECONDS);
    return exporter.port();
  }

  Socket connected(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    sockets.add(s);
    return s;
  }

  Socket handshaken(SSLContext context, int port) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
    s.setSoTimeout(5_000);
    s.startHandshake();
    sockets.add(s);
    return s;
  }

  /** A plain GET on a raw keep-alive connection; returns the status. */
  static int request(Socket s) throws IOException {
    s.getOutputStream().write("GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    byte[] head = new byte[12];
    int n = in.readNBytes(head, 0, head.length);
    String status = new String(head, 0, n, StandardCharsets.US_ASCII);
    // Drain the rest of this small answer, so the next request starts on a clean stream.
    s.setSoTimeout(300);
    try {
      while (in.read() >= 0) {
        // the answer's headers and "Healthy\n"
      }
    } catch (SocketTimeoutException done) {
      // nothing more to read
    }
    return Integer.parseInt(status.substring(9, 12));
  }

  /** Whether the server closed {@code s} within {@code wait}. */
  static boolean closedWithin(Socket s, Duration wait) throws IOException {
    s.setSoTimeout((int) wait.toMillis());
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException open) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
