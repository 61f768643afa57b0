package io.sbtc.exporter.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The files directly in one configured directory (backups, logs), never followed out of it.
 * Whoever can write to such a directory must not be able to make the exporter read, restore or
 * count a file elsewhere (a link to /etc/shadow, or to the signer's key): a symbolic link is
 * followed only to a regular file in the same directory, such as {@code latest.dump ->
 * signer-20260722.dump}. A file is named by its real path from then on and opened without
 * following links, so that replacing it with a link after the check does not work either.
 */
public final class ConfinedDirectory {
  /** A link out of the directory (or to something that is not a regular file in it). */
  public static final class LinkOut extends IOException {
    public LinkOut(Path link, Path dir) {
      super(link + " is a link out of " + dir + "; not followed", null);
    }
  }

  /** A regular file of the directory, by its real path, as seen now. */
  public record Entry(Path path, BasicFileAttributes attributes) {}

  private final Path dir;
  private final Path realDir;

  /** @throws IOException when {@code dir} does not exist or cannot be resolved */
  public ConfinedDirectory(Path dir) throws IOException {
    this.dir = dir;
    this.realDir = dir.toRealPath();
  }

  /**
   * @param entry a name listed in the directory
   * @return the file, or empty when the entry is not a regular file (a directory, a socket...)
   * @throws LinkOut when the entry is a link to anywhere but a regular file in this directory
   * @throws java.nio.file.NoSuchFileException when it is gone, or a link to nothing
   */
  public Optional<Entry> regularFile(Path entry) throws IOException {
    BasicFileAttributes own = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (own.isRegularFile()) {
      return Optional.of(new Entry(realDir.resolve(entry.getFileName()), own));
    }
    if (!own.isSymbolicLink()) {
      return Optional.empty();
    }
    Path target = entry.toRealPath();
    BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!realDir.equals(target.getParent()) || !a.isRegularFile()) {
      throw new LinkOut(entry, dir);
    }
    return Optional.of(new Entry(target, a));
  }

  /** Opens a file found by {@link #regularFile} without following a link, should one have taken its place. */
  public static InputStream open(Path file) throws IOException {
    return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
  }
}
