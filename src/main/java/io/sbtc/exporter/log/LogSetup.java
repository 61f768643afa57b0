package io.sbtc.exporter.log;

import java.text.MessageFormat;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** One log line per event on stderr, as logfmt: {@code time=... level=info logger=... msg="..."}. */
public final class LogSetup {
  private LogSetup() {}

  public static void configure(Level level) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(level);
    handler.setFormatter(new LogfmtFormatter());
    root.addHandler(handler);
    root.setLevel(level);
  }

  /** Messages written as {@code key=value} pairs are kept; plain ones become {@code msg="..."}. */
  static final class LogfmtFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      String message = r.getParameters() == null || r.getParameters().length == 0
          ? r.getMessage()
          : new MessageFormat(r.getMessage(), Locale.ROOT).format(r.getParameters());
      if (message == null) {
        message = "";
      }
      String body = message.contains("msg=") ? message : "msg=" + quote(message);
      String logger = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
      String line = "time=" + Instant.ofEpochMilli(r.getMillis()) + " level=" + level(r.getLevel()) + " logger=" + logger + " " + body;
      if (r.getThrown() != null) {
        line += " error=" + quote(r.getThrown().toString());
      }
      return line.replace('\n', ' ') + System.lineSeparator();
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

    static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }
}
