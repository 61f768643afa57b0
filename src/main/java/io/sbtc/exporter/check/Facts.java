package io.sbtc.exporter.check;

import java.util.List;
import java.util.Locale;

/** Numbers as a person reads them in a fact: "31 h", "5.2 MiB", "0644". */
final class Facts {
  private Facts() {}

  /** A duration in the largest unit that keeps it at least 2 of that unit: "45 s", "12 min", "31 h", "9 d". */
  static String duration(double seconds) {
    return in(seconds, unitFor(seconds));
  }

  /**
   * An age next to its limit, each in its own unit ("3 min old, limit 26 h"), with two decimals when
   * they would otherwise read the same: "26.02 h old, limit 26 h", never "26 h old, limit 26 h".
   * {@code between} joins them: " old, limit ".
   */
  static String against(double seconds, String between, double limitSeconds) {
    String value = duration(seconds);
    String limit = duration(limitSeconds);
    if (value.equals(limit) && seconds != limitSeconds) {
      String unit = unitFor(limitSeconds);
      value = String.format(Locale.ROOT, "%.2f %s", seconds / size(unit), unit);
    }
    return value + between + limit;
  }

  static String bytes(double n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i == 0 ? String.format(Locale.ROOT, "%.0f", n) : number(n)) + " " + units[i];
  }

  static String mode(double bits) {
    return String.format(Locale.ROOT, "%04o", (int) bits);
  }

  /** A count without ".0": "12", "924,130". */
  static String count(double n) {
    return String.format(Locale.ROOT, "%,d", Math.round(n));
  }

  /** "a", "a and b", "a, b and c". */
  static String and(List<String> parts) {
    if (parts.size() <= 1) {
      return String.join("", parts);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }

  private static String unitFor(double seconds) {
    double s = Math.abs(seconds);
    return s >= 2 * 86400 ? "d" : s >= 2 * 3600 ? "h" : s >= 2 * 60 ? "min" : "s";
  }

  private static String in(double seconds, String unit) {
    return number(seconds / size(unit)) + " " + unit;
  }

  private static double size(String unit) {
    return switch (unit) {
      case "d" -> 86400;
      case "h" -> 3600;
      case "min" -> 60;
      default -> 1;
    };
  }

  /** At most one decimal, none when it is .0: "26", "26.4". */
  private static String number(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
