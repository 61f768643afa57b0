package io.sbtc.exporter.source.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audited sshd settings of the global section and of each Match block, and what they allow.
 * Which Match blocks apply depends on the connection, which a host audit cannot know: each
 * conditional block is judged as if it were the one that matched (with every {@code Match all}
 * block, which always matches), and a setting is unsafe when it is unsafe for any of them.
 *
 * @param files how many files were read (the main file and every included one)
 */
record SshdSettings(Map<String, String> global, List<Block> blocks, int files) {

  /** servconf.h defaults of the settings the audit reads, for the ones a config leaves unset. */
  static final Map<String, String> DEFAULTS = Map.of(
      "passwordauthentication", "yes",
      "kbdinteractiveauthentication", "yes",
      "permitrootlogin", "prohibit-password",
      "authenticationmethods", "any",
      "usepam", "no");

  /**
   * The first value of each audited keyword in a block.
   *
   * @param match the Match criteria, "" for the global section
   * @param all whether it is a {@code Match all} block, which applies to every connection
   */
  record Block(String match, boolean all, Map<String, String> values) {}

  SshdSettings {
    global = Map.copyOf(global);
    blocks = blocks.stream().map(b -> new Block(b.match(), b.all(), Map.copyOf(b.values()))).toList();
  }

  /** The value for connections no conditional Match block catches. */
  String effective(String key) {
    return value(key, null);
  }

  /** The values each conditional Match block changes, by its criteria. */
  Map<String, Map<String, String>> matchOverrides() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Block b : blocks) {
      if (b.all()) {
        continue;
      }
      Map<String, String> changed = new LinkedHashMap<>();
      for (String key : SshdConfigParser.AUDITED) {
        String v = value(key, b);
        if (!v.equals(effective(key))) {
          changed.put(key, v);
        }
      }
      if (!changed.isEmpty()) {
        out.merge(b.match(), changed, (a, c) -> {
          a.putAll(c);
          return a;
        });
      }
    }
    return out;
  }

  /** 1 when some connection can log in with a password alone. */
  boolean passwordLogin() {
    return scenarios().stream().anyMatch(this::passwordAlone);
  }

  /** 1 when some connection can log in as root at all (PermitRootLogin is not "no"). */
  boolean rootLogin() {
    return scenarios().stream().anyMatch(s -> !value("permitrootlogin", s).equals("no"));
  }

  /** null stands for "no conditional block matches". */
  private List<Block> scenarios() {
    List<Block> out = new ArrayList<>();
    out.add(null);
    blocks.stream().filter(b -> !b.all()).forEach(out::add);
    return out;
  }

  /**
   * The value a connection gets when {@code conditional} (and every Match all block) matches: the
   * first matching block in file order that sets it wins over the global section.
   */
  private String value(String key, Block conditional) {
    if (!key.equals("usepam")) { // global only
      for (Block b : blocks) {
        if ((b.all() || b == conditional) && b.values().containsKey(key)) {
          return b.values().get(key);
        }
      }
    }
    return global.getOrDefault(key, DEFAULTS.get(key));
  }

  /**
   * A password alone logs in when password authentication, or keyboard-interactive through PAM
   * (the only keyboard-interactive device on Linux, auth2-chall.c), is on and AuthenticationMethods
   * has a list made only of such methods (or is "any").
   */
  private boolean passwordAlone(Block scenario) {
    boolean password = value("passwordauthentication", scenario).equals("yes");
    boolean keyboard = value("kbdinteractiveauthentication", scenario).equals("yes") && value("usepam", scenario).equals("yes");
    String methods = value("authenticationmethods", scenario);
    if (methods.equals("any")) {
      return password || keyboard;
    }
    for (String list : methods.trim().split("\\s+")) {
      boolean onlyPasswords = true;
      for (String method : list.split(",")) {
        boolean isPassword = method.equals("password") && password;
        boolean isKeyboard = (method.equals("keyboard-interactive") || method.startsWith("keyboard-interactive:")) && keyboard;
        onlyPasswords &= isPassword || isKeyboard;
      }
      if (onlyPasswords) {
        return true;
      }
    }
    return false;
  }
}
