package io.sbtc.exporter.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.text.MessageFormat;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line per event on stderr, as logfmt ({@code time=... level=info logger=... msg="..."}) or
 * JSON. Log calls in this project write their message as {@code key=value} pairs; both formats
 * are made from those pairs. Stack traces are never printed: an expected upstream failure is one
 * line with its reason, and an unexpected error carries its type and message.
 */
public final class LogSetup {
  /** The formats of {@code --log.format}. */
  public enum Format { LOGFMT, JSON }

  private LogSetup() {}

  public static void configure(Level level, Format format) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(level);
    handler.setFormatter(format == Format.JSON ? new JsonFormatter() : new LogfmtFormatter());
    root.addHandler(handler);
    root.setLevel(level);
    // Libraries are chatty at INFO about things an operator cannot act on.
    Logger.getLogger("io.netty").setLevel(Level.WARNING);
    Logger.getLogger("com.zaxxer.hikari").setLevel(Level.WARNING);
  }

  /** {@code --log.level}: debug, info, warn or error. */
  public static Level level(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "debug" -> Level.FINE;
      case "info" -> Level.INFO;
      case "warn" -> Level.WARNING;
      case "error" -> Level.SEVERE;
      default -> throw new IllegalArgumentException("--log.level must be debug, info, warn or error (got \"" + name + "\")");
    };
  }

  public static Format format(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "logfmt" -> Format.LOGFMT;
      case "json" -> Format.JSON;
      default -> throw new IllegalArgumentException("--log.format must be logfmt or json (got \"" + name + "\")");
    };
  }

  private static final Pattern PAIR = Pattern.compile("(\\w[\\w.]*)=(\"((?:[^\"\\\\]|\\\\.)*)\"|\\S*)");

  /** The record as ordered fields: time, level, logger, then the message's own pairs. */
  static Map<String, String> fields(LogRecord r) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("time", Instant.ofEpochMilli(r.getMillis()).toString());
    out.put("level", level(r.getLevel()));
    String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
    out.put("logger", logger.substring(logger.lastIndexOf('.') + 1));
    String message = message(r);
    Matcher m = PAIR.matcher(message);
    int matched = 0;
    while (m.find()) {
      String value = m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(2);
      out.put(m.group(1), value);
      matched++;
    }
    if (matched == 0 || !out.containsKey("msg") && !message.contains("=")) {
      out.put("msg", message);
    }
    if (r.getThrown() != null) {
      out.put("error", r.getThrown().getClass().getSimpleName() + ": " + r.getThrown().getMessage());
    }
    return out;
  }

  private static String message(LogRecord r) {
    String template = r.getMessage() == null ? "" : r.getMessage();
    if (r.getParameters() == null || r.getParameters().length == 0) {
      return template;
    }
    // Quote-safe parameters: a value with a quote in it must not end the quoted field early.
    Object[] params = r.getParameters().clone();
    for (int i = 0; i < params.length; i++) {
      if (params[i] instanceof String s) {
        params[i] = s.replace("\\", "\\\\").replace("\"", "\\\"");
      }
    }
    return new MessageFormat(template.replace("'", "''"), Locale.ROOT).format(params);
  }

  private static String level(Level l) {
    if (l.intValue() >= Level.SEVERE.intValue()) {
      return "error";
    }
    if (l.intValue() >= Level.WARNING.intValue()) {
      return "warn";
    }
    if (l.intValue() >= Level.INFO.intValue()) {
      return "info";
    }
    return "debug";
  }

  static final class LogfmtFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      StringBuilder line = new StringBuilder();
      fields(r).forEach((k, v) -> {
        if (line.length() > 0) {
          line.append(' ');
        }
        line.append(k).append('=');
        boolean plain = !v.isEmpty() && v.chars().allMatch(c -> c > ' ' && c != '"' && c != '=' && c != '\\');
        line.append(plain ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"");
      });
      return line.append(System.lineSeparator()).toString();
    }
  }

  static final class JsonFormatter extends Formatter {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String format(LogRecord r) {
      try {
        return JSON.writeValueAsString(fields(r)) + System.lineSeparator();
      } catch (JsonProcessingException e) {
        return "{\"level\":\"error\",\"msg\":\"log line could not be encoded\"}" + System.lineSeparator();
      }
    }
  }
}
