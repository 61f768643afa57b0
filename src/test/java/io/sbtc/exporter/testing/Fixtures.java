package io.sbtc.exporter.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real upstream responses checked in under {@code src/test/resources/fixtures/<source>/}. */
public final class Fixtures {
  private Fixtures() {}

  public static String text(String path) {
    return new String(bytes(path), StandardCharsets.UTF_8);
  }

  /** The fixture as a file, for programs that read files (the tests run in the project directory). */
  public static java.nio.file.Path path(String path) {
    java.nio.file.Path p = java.nio.file.Path.of("src/test/resources/fixtures", path).toAbsolutePath();
    if (!java.nio.file.Files.isRegularFile(p)) {
      throw new IllegalArgumentException("no fixture " + p);
    }
    return p;
  }

  public static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
