package io.sbtc.exporter.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback port in front of a healthy upstream that can be switched, at any moment, to each way
 * an upstream fails in practice. Every switch drops the connections already open, as a restarting
 * or failing node does, so a pooled keep-alive connection cannot hide the new state.
 */
final class FaultyUpstream implements AutoCloseable {
  enum Mode {
    /** Bytes relayed to and from the real (demo) upstream. */
    HEALTHY,
    /** The connection is accepted and the request read; no answer ever comes. */
    HANGING,
    /** A 200 whose body is not valid UTF-8, let alone JSON or the text format. */
    GARBAGE,
    /** A 500 with a short text body. */
    HTTP_500,
    /** Nothing listens on the port. */
    REFUSED
  }

  private static final byte[] GARBAGE_BODY = {(byte) 0xff, (byte) 0xfe, '{', '[', 0, 1, 2, (byte) 0xc3, '(', '\n'};

  private final String name;
  private final int backendPort;
  private final int port;
  private final ExecutorService threads;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile Mode mode = Mode.HEALTHY;
  private ServerSocket listener;

  FaultyUpstream(String name, int backendPort) throws IOException {
    this.name = name;
    this.backendPort = backendPort;
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "faulty-" + name);
      t.setDaemon(true);
      return t;
    });
    this.listener = listen(0);
    this.port = listener.getLocalPort();
  }

  int port() {
    return port;
  }

  String name() {
    return name;
  }

  Mode mode() {
    return mode;
  }

  /** Switches to {@code next}; connections opened before are closed. */
  synchronized void set(Mode next) throws IOException {
    if (next == mode) {
      return;
    }
    if (next == Mode.REFUSED) {
      listener.close();
    } else if (mode == Mode.REFUSED) {
      listener = listen(port);
    }
    mode = next;
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  private ServerSocket listen(int onPort) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
    ServerSocket accepting = s;
    threads.execute(() -> acceptLoop(accepting));
    return s;
  }

  private void acceptLoop(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Mode now = mode;
        threads.execute(() -> serve(client, now));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket client, Mode now) {
    try (client) {
      switch (now) {
        case HEALTHY -> relay(client);
        case HANGING -> client.getInputStream().transferTo(OutputStream.nullOutputStream());
        case GARBAGE -> answer(client, "200 OK", "application/json", GARBAGE_BODY);
        case HTTP_500 -> answer(client, "500 Internal Server Error", "text/plain", "internal error\n".getBytes(StandardCharsets.UTF_8));
        case REFUSED -> { } // accepted just before the listener closed: dropped
      }
    } catch (IOException dropped) {
      // a switch closed the connection, or the exporter gave up on it: both are the point
    } finally {
      open.remove(client);
    }
  }

  private void relay(Socket client) throws IOException {
    try (Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
      open.add(backend);
      try {
        threads.execute(() -> pump(backend, client));
        client.getInputStream().transferTo(backend.getOutputStream());
      } finally {
        open.remove(backend);
      }
    }
  }

  private static void pump(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
    } catch (IOException closed) {
      // either side went away
    } finally {
      closeQuietly(to);
    }
  }

  /** Reads one request (head and Content-Length body), answers it and closes. */
  private static void answer(Socket client, String status, String contentType, byte[] body) throws IOException {
    InputStream in = client.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    int at = text.indexOf("content-length:");
    if (at >= 0) {
      int length = Integer.parseInt(text.substring(at + 15, text.indexOf('\r', at)).trim());
      in.readNBytes(length);
    }
    OutputStream out = client.getOutputStream();
    out.write(("HTTP/1.1 " + status + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.write(body);
    out.flush();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public synchronized void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
    threads.shutdownNow();
  }
}
