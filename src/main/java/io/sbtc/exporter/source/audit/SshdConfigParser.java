package io.sbtc.exporter.source.audit;

import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the few sshd settings the access-control audit needs, the way sshd reads them
 * (openssh-portable servconf.c, process_server_config_line_depth): keywords are case-insensitive,
 * the first value obtained wins, {@code Include} is expanded in place in lexical order, and a
 * {@code Match} line starts a conditional block that runs to the next Match or the end of its file
 * (an included file never ends its includer's block). Everything else in the file is skipped.
 */
final class SshdConfigParser {
  /** The settings read, by the lower-case names {@code sshd -T} prints. */
  static final List<String> AUDITED = List.of(
      "passwordauthentication", "kbdinteractiveauthentication", "permitrootlogin", "authenticationmethods", "usepam");
  /** servconf.h: ChallengeResponseAuthentication is an alias of KbdInteractiveAuthentication. */
  private static final Map<String, String> ALIASES = Map.of("challengeresponseauthentication", "kbdinteractiveauthentication");
  private static final Set<String> FLAGS = Set.of("passwordauthentication", "kbdinteractiveauthentication", "usepam");
  /** servconf.c multistate_permitrootlogin; without-password is the old name of prohibit-password. */
  private static final Set<String> ROOT_LOGIN = Set.of("yes", "no", "prohibit-password", "without-password", "forced-commands-only");
  /** servconf.c SERVCONF_MAX_DEPTH. */
  static final int MAX_DEPTH = 16;

  private final Path baseDir;
  private final List<SshdSettings.Block> blocks = new ArrayList<>();
  private final SshdSettings.Block global = new SshdSettings.Block("", false, new LinkedHashMap<>());
  private int files;

  private SshdConfigParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  /**
   * Reads {@code main} and every file it includes. Relative Include paths are read from the main
   * file's directory, which for the default /etc/ssh/sshd_config is the /etc/ssh sshd itself uses.
   *
   * @throws SourceException when a file cannot be read or holds a line sshd would refuse
   */
  /** sshd_config, its Includes and sshd -T output are each a few KiB; 1 MiB is ample. */
  static final int MAX_FILE_BYTES = 1 << 20;

  static SshdSettings readConfig(Path main) {
    Path dir = main.toAbsolutePath().getParent();
    SshdConfigParser p = new SshdConfigParser(dir == null ? Path.of("/") : dir);
    p.parseFile(main, p.global, 0);
    return new SshdSettings(p.global.values(), p.blocks, p.files);
  }

  /** Reads what {@code sshd -T} printed: the effective settings, one "keyword value" per line. */
  static SshdSettings readSshdT(Path file) {
    SshdConfigParser p = new SshdConfigParser(Path.of("/"));
    String text = read(file);
    p.files = 1;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      List<String> words = words(line, file, n);
      if (words.isEmpty()) {
        continue;
      }
      String keyword = words.get(0).toLowerCase(Locale.ROOT);
      if (keyword.equals("match") || keyword.equals("include")) {
        throw parseError(file, n, keyword + " is not in sshd -T output: point sshd_t_output at what `sshd -T` printed, or use config_file");
      }
      p.set(p.global, keyword, words, file, n);
    }
    for (String required : List.of("passwordauthentication", "kbdinteractiveauthentication", "permitrootlogin")) {
      if (!p.global.values().containsKey(required)) {
        throw new SourceException(ErrorReason.PARSE, file + " has no " + required + " line: is it the output of sshd -T?");
      }
    }
    return new SshdSettings(p.global.values(), List.of(), 1);
  }

  private void parseFile(Path file, SshdSettings.Block enclosing, int depth) {
    if (depth > MAX_DEPTH) {
      throw new SourceException(ErrorReason.PARSE, file + ": Include nested more than " + MAX_DEPTH + " deep");
    }
    files++;
    String text = read(file);
    SshdSettings.Block current = enclosing;
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      List<String> words = words(line, file, n);
      if (words.isEmpty()) {
        continue;
      }
      String keyword = words.get(0).toLowerCase(Locale.ROOT);
      switch (keyword) {
        case "match" -> {
          String criteria = String.join(" ", words.subList(1, words.size()));
          // An included file's Match only applies when the block around its Include matches too.
          String scope = enclosing == global ? criteria : enclosing.match() + " / " + criteria;
          boolean all = enclosing == global && criteria.equalsIgnoreCase("all");
          current = new SshdSettings.Block(scope, all, new LinkedHashMap<>());
          blocks.add(current);
        }
        case "include" -> {
          for (String pattern : words.subList(1, words.size())) {
            for (Path included : glob(pattern)) {
              parseFile(included, current, depth + 1);
            }
          }
        }
        default -> set(current, keyword, words, file, n);
      }
    }
  }

  /** Keeps the first value of an audited keyword in {@code block}, after checking it as sshd would. */
  private void set(SshdSettings.Block block, String keyword, List<String> words, Path file, int line) {
    String key = ALIASES.getOrDefault(keyword, keyword);
    if (!AUDITED.contains(key)) {
      return;
    }
    if (key.equals("usepam") && block != global) {
      throw parseError(file, line, "UsePAM is not allowed inside a Match block");
    }
    String value;
    if (key.equals("authenticationmethods")) {
      value = String.join(" ", words.subList(1, words.size()));
    } else {
      value = words.get(1).toLowerCase(Locale.ROOT);
      if (FLAGS.contains(key) && !value.equals("yes") && !value.equals("no")) {
        throw parseError(file, line, words.get(0) + " must be yes or no (got \"" + words.get(1) + "\")");
      }
      if (key.equals("permitrootlogin")) {
        if (!ROOT_LOGIN.contains(value)) {
          throw parseError(file, line, "PermitRootLogin must be one of " + ROOT_LOGIN + " (got \"" + words.get(1) + "\")");
        }
        value = value.equals("without-password") ? "prohibit-password" : value;
      }
    }
    block.values().putIfAbsent(key, value);
  }

  /**
   * A line as sshd splits it: the keyword ends at whitespace or one '='; the arguments are split on
   * blanks with "..." or '...' quoting and backslash escapes, and a word starting with '#' ends the
   * line (misc.c strdelim and argv_split). Empty for blank and comment lines.
   */
  static List<String> words(String line, Path file, int n) {
    String s = line.replaceFirst("[ \\t\\r\\n\\f]+$", "");
    int i = 0;
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    int start = i;
    while (i < s.length() && " \t\r\n\"=".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    String keyword = s.substring(start, i);
    if (keyword.isEmpty() || keyword.startsWith("#")) {
      return List.of();
    }
    while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    if (i < s.length() && s.charAt(i) == '=') {
      i++;
    }
    List<String> words = new ArrayList<>();
    words.add(keyword);
    words.addAll(arguments(s.substring(i), file, n));
    if (words.size() == 1) {
      throw parseError(file, n, "no argument after keyword \"" + keyword + "\"");
    }
    return words;
  }

  private static List<String> arguments(String s, Path file, int n) {
    List<String> args = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      if (c == '#') {
        break;
      }
      StringBuilder arg = new StringBuilder();
      char quote = 0;
      for (; i < s.length(); i++) {
        c = s.charAt(i);
        char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
        if (c == '\\' && (next == '\'' || next == '"' || next == '\\' || (quote == 0 && next == ' '))) {
          arg.append(next);
          i++;
        } else if (quote == 0 && (c == ' ' || c == '\t')) {
          break;
        } else if (quote == 0 && (c == '"' || c == '\'')) {
          quote = c;
        } else if (quote != 0 && c == quote) {
          quote = 0;
        } else {
          arg.append(c);
        }
      }
      if (quote != 0) {
        throw parseError(file, n, "invalid quotes");
      }
      args.add(arg.toString());
    }
    return args;
  }

  /** Include's glob(3): wildcards in any part of the path, matches in lexical order, no dot files unless asked for. */
  List<Path> glob(String pattern) {
    Path path = pattern.startsWith("/") || pattern.startsWith("~") ? Path.of(pattern) : baseDir.resolve(pattern);
    List<Path> candidates = new ArrayList<>(List.of(path.getRoot() == null ? Path.of("") : path.getRoot()));
    for (Path part : path) {
      String name = part.toString();
      List<Path> next = new ArrayList<>();
      for (Path dir : candidates) {
        if (name.chars().noneMatch(ch -> ch == '*' || ch == '?' || ch == '[')) {
          next.add(dir.resolve(name));
          continue;
        }
        if (!Files.isDirectory(dir)) {
          continue;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
          for (Path e : entries) {
            String file = e.getFileName().toString();
            if (matcher.matches(e.getFileName()) && (!file.startsWith(".") || name.startsWith("."))) {
              next.add(e);
            }
          }
        } catch (IOException e) {
          throw readError(dir, e);
        }
      }
      candidates = next;
    }
    return candidates.stream().filter(Files::exists).sorted((a, b) -> a.toString().compareTo(b.toString())).toList();
  }

  private static String read(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      // At most MAX_FILE_BYTES: an sshd_config is a few KiB, and an Include glob or a path may name
      // anything (a log, a device) that must not fill the exporter's memory.
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new SourceException(ErrorReason.TOO_LARGE, file + " is larger than " + MAX_FILE_BYTES / 1024
            + " KiB: not an sshd configuration; nothing of it was read");
      }
      // Bytes as they are: a stray non-UTF-8 byte in a comment must not make the audit fail.
      return new String(bytes, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw readError(file, e);
    }
  }

  private static SourceException readError(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new SourceException(ErrorReason.OTHER, file + " does not exist");
    }
    if (e instanceof AccessDeniedException) {
      return new SourceException(ErrorReason.AUTH, "cannot read " + file + ": permission denied");
    }
    return new SourceException(ErrorReason.OTHER, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
  }

  private static SourceException parseError(Path file, int line, String problem) {
    return new SourceException(ErrorReason.PARSE, file + " line " + line + ": " + problem);
  }
}
