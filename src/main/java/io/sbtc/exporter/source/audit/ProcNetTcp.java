package io.sbtc.exporter.source.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads listening sockets from the text of /proc/net/tcp or /proc/net/tcp6. */
final class ProcNetTcp {
  /** One socket in state LISTEN. {@code address} is printable (e.g. 0.0.0.0 or ::). */
  record Listener(String address, int port, boolean loopback) {}

  private static final String LISTEN = "0A";

  private ProcNetTcp() {}

  static List<Listener> listeners(String text) {
    List<Listener> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[0].endsWith(":") || !f[3].equals(LISTEN)) {
        continue;
      }
      parse(f[1]).ifPresent(out::add);
    }
    return out;
  }

  /** {@code 0100007F:0CEA}: the address in the kernel's byte order (little-endian words), the port in hex. */
  private static Optional<Listener> parse(String local) {
    int colon = local.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    try {
      String hex = local.substring(0, colon);
      int port = Integer.parseInt(local.substring(colon + 1), 16);
      byte[] addr = new byte[hex.length() / 2];
      for (int word = 0; word < addr.length / 4; word++) {
        for (int b = 0; b < 4; b++) {
          int at = word * 8 + (3 - b) * 2;
          addr[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
        }
      }
      if (addr.length == 4) {
        return Optional.of(new Listener(ipv4(addr, 0), port, (addr[0] & 0xff) == 127));
      }
      if (addr.length == 16) {
        boolean mapped = isZero(addr, 0, 10) && (addr[10] & 0xff) == 0xff && (addr[11] & 0xff) == 0xff;
        if (mapped) {
          return Optional.of(new Listener(ipv4(addr, 12), port, (addr[12] & 0xff) == 127));
        }
        boolean loopback = isZero(addr, 0, 15) && addr[15] == 1;
        String printable = isZero(addr, 0, 16) ? "::" : java.net.InetAddress.getByAddress(addr).getHostAddress();
        return Optional.of(new Listener(printable, port, loopback));
      }
      return Optional.empty();
    } catch (NumberFormatException | IndexOutOfBoundsException | java.net.UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static String ipv4(byte[] a, int from) {
    return (a[from] & 0xff) + "." + (a[from + 1] & 0xff) + "." + (a[from + 2] & 0xff) + "." + (a[from + 3] & 0xff);
  }

  private static boolean isZero(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
