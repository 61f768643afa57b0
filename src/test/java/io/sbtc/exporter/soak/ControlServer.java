package io.sbtc.exporter.soak;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The soak's control: a JVM that does nothing but answer every GET with the same page, started with
 * the exporter's JVM flags and scraped side by side with it. A scrape of the exporter that is slow
 * while the control is slow too is the machine (a shared, busy host); slow alone, it is the exporter.
 *
 * <p>Usage: {@code ControlServer BYTES}; prints its port on the first line.
 */
public final class ControlServer {
  private ControlServer() {}

  public static void main(String[] args) throws IOException {
    byte[] page = "x".repeat(Integer.parseInt(args[0])).getBytes(StandardCharsets.US_ASCII);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, page.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(page);
      }
    });
    server.start();
    System.out.println(server.getAddress().getPort());
    System.out.flush();
  }
}
