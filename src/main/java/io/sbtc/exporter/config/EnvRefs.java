package io.sbtc.exporter.config;

import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code ${VAR}}, {@code ${VAR:-default}} and {@code $$} in config values. */
final class EnvRefs {
  private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}|\\$\\$");
  /** A whole value that is one environment reference without a default: the only way to write a secret inline. */
  static final Pattern SECRET_REF = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*}");

  private EnvRefs() {}

  /** {@code text} with its references replaced, or the name of the first variable that is unset and has no default. */
  static Result expand(String text, Function<String, String> env) {
    Matcher m = ENV_REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        String value = env.apply(m.group(1));
        if (value == null) {
          if (m.group(2) == null) {
            return new Result("", Optional.of(m.group(1)));
          }
          value = m.group(2);
        }
        replacement = value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return new Result(out.toString(), Optional.empty());
  }

  record Result(String value, Optional<String> unset) {}
}
