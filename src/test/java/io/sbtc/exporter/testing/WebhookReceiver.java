package io.sbtc.exporter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Alertmanager's webhook receiver: keeps every alert it is sent, each with the notification's status. */
public final class WebhookReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<JsonNode> alerts = new CopyOnWriteArrayList<>();

  public WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/alerts", exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        JsonNode notification = JSON.readTree(body);
        notification.path("alerts").forEach(alerts::add);
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
  }

  /**
   * Waits for an alert (as in the webhook payload: status, labels, annotations) that matches, failing
   * with everything received and {@code context} (e.g. process logs) after {@code timeout}.
   */
  public JsonNode await(Predicate<JsonNode> match, Duration timeout, Supplier<String> context) {
    return Await.until("an alert matching " + Await.caller(), timeout, () -> alerts.stream().filter(match).findFirst(), Optional::isPresent,
        () -> "received: " + received() + "\n" + context.get()).orElseThrow();
  }

  public List<String> received() {
    List<String> out = new ArrayList<>();
    alerts.forEach(a -> out.add(a.path("status").asText() + " " + a.path("labels")));
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
