package io.sbtc.exporter;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/**
 * The training run of the class data sharing archive: {@code bin/sbtc-signer-exporter
 * --write-cds-archive} (which {@code mvn package} runs) starts this with {@code -XX:ArchiveClassesAtExit},
 * so the classes it loads are stored, parsed and verified, in a file that later starts map instead of
 * loading them one by one from the jar. It runs the demo on a free loopback port, waits until it is
 * ready, asks for each page the way Prometheus and people do, and exits. A page that does not answer
 * 200 fails the run, and so the build: the archive must come from an exporter that works.
 */
public final class CdsTraining {
  /** Path and request headers of each fetch: plain, gzip, OpenMetrics, a name filter, the landing page. */
  static final List<Map.Entry<String, Map<String, String>>> FETCHES = List.of(
      Map.entry("/metrics", Map.of()),
      Map.entry("/metrics", Map.of("Accept-Encoding", "gzip")),
      Map.entry("/metrics", Map.of("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")),
      Map.entry("/metrics?name[]=sbtc_exporter_source_up", Map.of()),
      Map.entry("/", Map.of()),
      Map.entry("/-/healthy", Map.of()));
  private static final long READY_WITHIN_MS = 30_000;
  private static final long REQUEST_TIMEOUT_MS = 10_000;

  private CdsTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    int code = Main.run(new String[] {"--demo", "--web.listen-address", "127.0.0.1:" + port, "--log.level", "warn"},
        System.out, System.err);
    if (code >= 0) {
      System.exit(code == 0 ? 1 : code);
    }
    HttpClient client = Vertx.vertx().createHttpClient();
    long deadline = System.currentTimeMillis() + READY_WITHIN_MS;
    while (status(client, port, "/-/ready", Map.of()) != 200) {
      if (System.currentTimeMillis() > deadline) {
        System.err.println("sbtc-signer-exporter: CDS training: the demo was not ready within 30 s");
        System.exit(1);
      }
      Thread.sleep(50);
    }
    for (Map.Entry<String, Map<String, String>> fetch : FETCHES) {
      int status = status(client, port, fetch.getKey(), fetch.getValue());
      if (status != 200) {
        System.err.println("sbtc-signer-exporter: CDS training: " + fetch.getKey() + " " + fetch.getValue() + " answered " + status);
        System.exit(1);
      }
    }
    System.exit(0);
  }

  /** The status of one GET, its body read to the end; 0 when nothing answers. */
  private static int status(HttpClient client, int port, String path, Map<String, String> headers) {
    try {
      // Bounded: a request that never gets an answer would otherwise hold mvn package forever.
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
          .setURI(path).setConnectTimeout(REQUEST_TIMEOUT_MS).setIdleTimeout(REQUEST_TIMEOUT_MS);
      return client.request(options)
          .compose(request -> {
            headers.forEach(request::putHeader);
            return request.send();
          })
          .compose(response -> response.body().map(body -> response.statusCode()))
          .recover(e -> Future.succeededFuture(0))
          .await();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
