package io.sbtc.exporter.promtext;

/** The only exception the text parser throws: the input held nothing usable, or more than the caller allows. */
public final class ParseException extends Exception {
  private final boolean tooLarge;

  public ParseException(String message) {
    this(message, false);
  }

  private ParseException(String message, boolean tooLarge) {
    super(message, null, false, false);
    this.tooLarge = tooLarge;
  }

  static ParseException tooLarge(String message) {
    return new ParseException(message, true);
  }

  /** Parsing stopped at a limit; the input may be well-formed. */
  public boolean tooLarge() {
    return tooLarge;
  }
}
