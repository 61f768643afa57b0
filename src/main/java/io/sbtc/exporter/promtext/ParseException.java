package io.sbtc.exporter.promtext;

/** The only exception the text parser throws: the input held nothing usable. */
public final class ParseException extends Exception {
  public ParseException(String message) {
    super(message, null, false, false);
  }
}
