package io.sbtc.exporter.common;

import java.util.Objects;

/**
 * A password or token. {@link #toString()} never reveals it, so a secret that ends up in a log
 * line, an exception message or a printed record by mistake still shows only a mask.
 */
public final class Secret {
  public static final String MASK = "<secret>";
  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  /** The plain value, for the one place that sends it upstream. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
