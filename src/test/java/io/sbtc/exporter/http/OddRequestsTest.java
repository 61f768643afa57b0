package io.sbtc.exporter.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.sbtc.exporter.ExporterVerticle;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Requests no scraper sends, from scanners and load balancers: each gets a plain answer and no log
 * line, so that anyone who can connect cannot fill the log (thousands of lines a second, without
 * credentials when basic auth is on).
 */
class OddRequestsTest {
  @TempDir
  Path dir;
  Vertx vertx;
  final List<String> logs = new CopyOnWriteArrayList<>();
  final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      logs.add(new io.sbtc.exporter.log.LogFormatForTests().format(r));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void stop() throws Exception {
    Logger.getLogger("").removeHandler(capture);
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      OPTIONS * HTTP/1.1                 | false | 200
      OPTIONS * HTTP/1.1                 | true  | 200
      CONNECT 127.0.0.1:22 HTTP/1.1      | false | 405
      CONNECT 127.0.0.1:22 HTTP/1.1      | true  | 405
      GET /%zz HTTP/1.1                  | false | 400
      GET /%zz HTTP/1.1                  | true  | 400
      GET /metrics%zz HTTP/1.1           | false | 400
      GET * HTTP/1.1                     | false | 400
      GET /metrics?name[]=%zz HTTP/1.1   | false | 400
      GET /-/healthy?%zz HTTP/1.1        | false | 400
      TRACE / HTTP/1.1                   | false | 405
      """)
  void answeredPlainlyWithoutALogLine(String requestLine, boolean basicAuth, int status) throws Exception {
    int port = start(basicAuth);
    logs.clear();
    for (int i = 0; i < 20; i++) {
      assertEquals(status, send(port, requestLine), requestLine);
    }
    assertEquals(List.of(), logs);
  }

  int start(boolean basicAuth) throws Exception {
    String users = basicAuth ? "basic_auth_users:\n  prometheus: " + BCrypt.withDefaults().hashToString(4, "pw".toCharArray()) + "\n" : "";
    Path web = Files.writeString(dir.resolve("web.yml"), users);
    ExporterConfig config = ConfigLoader.parse("test.yml", "listen_address: \"127.0.0.1:0\"\nweb_config_file: \"" + web + "\"\n",
        Map.<String, String>of()::get);
    vertx = Vertx.vertx();
    ExporterVerticle exporter = new ExporterVerticle(config, Clock.systemUTC());
    vertx.deployVerticle(exporter).await(20, TimeUnit.SECONDS);
    return exporter.port();
  }

  static int send(int port, String requestLine) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      return Integer.parseInt(status.substring(9, 12));
    }
  }
}
