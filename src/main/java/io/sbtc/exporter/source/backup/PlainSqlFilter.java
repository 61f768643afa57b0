package io.sbtc.exporter.source.backup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Passes a plain pg_dump script to psql line by line, doing for it what {@code pg_restore
 * --no-owner --no-privileges} does for archives: ownership and privilege statements are dropped, so
 * the restore does not depend on the signer's roles existing on the scratch server.
 *
 * <p>This filter is not what keeps psql's commands out: psql reads a meta-command wherever a
 * backslash stands outside quotes, and only psql's own lexer knows where that is. psql runs in
 * restricted mode for the whole restore ({@link PsqlRestrictedMode}). The filter drops pg_dump's
 * own {@code \restrict}/{@code &#92;unrestrict} pair (restricted mode is already on, and psql refuses
 * a second {@code \restrict}), and refuses a script with any other meta-command at the start of a
 * line only to say why in words: a {@code \connect} means a dump made with --create or pg_dumpall.
 *
 * <p>pg_dump writes each of these statements on one line, and COPY data between {@code COPY ...
 * FROM stdin;} and {@code \.} is passed untouched. Lines are handled as bytes (ISO-8859-1 is a
 * lossless byte-to-char mapping), whatever the dump's encoding.
 */
final class PlainSqlFilter {
  /** pg_dump's last comment; a script cut short does not have it. */
  static final String COMPLETE_MARKER = "-- PostgreSQL database dump complete";

  private static final Pattern COPY_START = Pattern.compile("^COPY .+ FROM stdin;$");
  private static final Pattern OWNER = Pattern.compile("^ALTER .+ OWNER TO .+;$");
  private static final String[] DROPPED_PREFIXES = {"GRANT ", "REVOKE ", "ALTER DEFAULT PRIVILEGES ", "SET SESSION AUTHORIZATION "};
  /** pg_dump's own pair, with its alphanumeric key (pg_backup_archiver.c writes them). */
  private static final Pattern DUMP_RESTRICT = Pattern.compile("^\\\\(?:un)?restrict [A-Za-z0-9]+$");

  /** Reading the dump failed (a broken gzip stream), as opposed to psql not taking input. */
  static final class InputBroken extends IOException {
    InputBroken(IOException cause) {
      super(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
    }
  }

  /** @param complete whether pg_dump's closing line was seen */
  record Result(boolean complete, long lines) {}

  private PlainSqlFilter() {}

  /**
   * @throws InputBroken when {@code in} fails
   * @throws IOException when {@code out} (psql's stdin) fails
   */
  static Result copy(InputStream in, OutputStream out) throws IOException, VerifyFailure {
    ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
    boolean inCopy = false;
    boolean complete = false;
    long number = 0;
    byte[] buffer = new byte[64 * 1024];
    int start = 0;
    int end = 0;
    while (true) {
      if (start == end) {
        end = read(in, buffer);
        start = 0;
        if (end < 0) {
          break;
        }
      }
      int nl = indexOf(buffer, start, end, (byte) '\n');
      if (nl < 0) {
        line.write(buffer, start, end - start);
        start = end;
        continue;
      }
      line.write(buffer, start, nl - start);
      start = nl + 1;
      number++;
      LineAction action = inCopy ? copyLine(line) : statementLine(line, number);
      inCopy = action.inCopyAfter;
      complete |= action.marker;
      if (action.keep) {
        line.write('\n');
        line.writeTo(out);
      }
      line.reset();
    }
    if (line.size() > 0) {
      number++;
      LineAction action = inCopy ? copyLine(line) : statementLine(line, number);
      complete |= action.marker;
      if (action.keep) {
        line.write('\n');
        line.writeTo(out);
      }
    }
    out.flush();
    return new Result(complete, number);
  }

  private record LineAction(boolean keep, boolean inCopyAfter, boolean marker) {}

  private static LineAction copyLine(ByteArrayOutputStream line) {
    boolean end = line.size() == 2 && line.toString(StandardCharsets.ISO_8859_1).equals("\\.");
    return new LineAction(true, !end, false);
  }

  private static LineAction statementLine(ByteArrayOutputStream bytes, long number) throws VerifyFailure {
    String line = bytes.toString(StandardCharsets.ISO_8859_1);
    if (line.startsWith("\\")) {
      if (DUMP_RESTRICT.matcher(line).matches()) {
        return new LineAction(false, false, false);
      }
      String command = line.split("\\s", 2)[0];
      throw new VerifyFailure(FailureReason.UNSUPPORTED_DUMP, "line " + number + " has the psql command " + abbreviate(command)
          + "; only dumps of one database made without --create are verified");
    }
    if (COPY_START.matcher(line).matches()) {
      return new LineAction(true, true, false);
    }
    if (OWNER.matcher(line).matches()) {
      return new LineAction(false, false, false);
    }
    for (String prefix : DROPPED_PREFIXES) {
      if (line.startsWith(prefix)) {
        return new LineAction(false, false, false);
      }
    }
    return new LineAction(true, false, line.equals(COMPLETE_MARKER));
  }

  private static int read(InputStream in, byte[] buffer) throws InputBroken {
    try {
      return in.read(buffer);
    } catch (IOException e) {
      throw new InputBroken(e);
    }
  }

  private static int indexOf(byte[] b, int from, int to, byte value) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static String abbreviate(String s) {
    return s.length() > 20 ? s.substring(0, 20) + "..." : s;
  }
}
