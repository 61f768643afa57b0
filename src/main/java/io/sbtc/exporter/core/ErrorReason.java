package io.sbtc.exporter.core;

import java.util.Locale;

/** The fixed set of {@code reason} label values of {@code sbtc_exporter_source_errors_total}. */
public enum ErrorReason {
  TIMEOUT,
  CONNECT,
  TLS,
  HTTP_STATUS,
  AUTH,
  PARSE,
  TOO_LARGE,
  OTHER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
