package io.sbtc.exporter.common;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes as operators write them: {@code 1048576}, {@code 512KiB}, {@code 16MiB}, {@code 1GB}. */
public final class ByteSizes {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]i?B|B)?", Pattern.CASE_INSENSITIVE);

  private ByteSizes() {}

  /** The shortest binary spelling that parses back to {@code bytes}: 16777216 is 16MiB, 1000 stays 1000. */
  public static String format(long bytes) {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      long factor = 1L << (10 * (units.length - i));
      if (bytes != 0 && bytes % factor == 0) {
        return bytes / factor + units[i];
      }
    }
    return Long.toString(bytes);
  }

  public static OptionalLong parse(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
      long factor = switch (unit) {
        case "KB" -> 1000L;
        case "MB" -> 1000L * 1000;
        case "GB" -> 1000L * 1000 * 1000;
        case "TB" -> 1000L * 1000 * 1000 * 1000;
        case "KIB" -> 1L << 10;
        case "MIB" -> 1L << 20;
        case "GIB" -> 1L << 30;
        case "TIB" -> 1L << 40;
        default -> 1L;
      };
      return OptionalLong.of(Math.multiplyExact(n, factor));
    } catch (ArithmeticException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
