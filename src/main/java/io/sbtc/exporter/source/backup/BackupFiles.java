package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.source.ConfinedDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;

/**
 * The backups in one directory: which files match, and the newest one. Never followed out of the
 * directory (see {@link ConfinedDirectory}): a backup is restored as the exporter's user. Blocking:
 * call on a worker.
 */
final class BackupFiles {

  /** One backup file as seen at one moment. */
  record BackupFile(Path path, long size, Instant modified) {}

  /** What a look at the directory found: never empty, the newest file is readable. */
  record Listing(int count, BackupFile newest) {}

  /** Why there is no usable backup; the message names the directory or file. */
  static final class Problem extends Exception {
    private final boolean denied;

    Problem(String message, boolean denied) {
      super(message, null, false, false);
      this.denied = denied;
    }

    /** True when the exporter's user lacks a permission, as opposed to something missing. */
    boolean denied() {
      return denied;
    }
  }

  /** Newest first by modification time; on a tie the later name wins (names usually carry the date). */
  private static final Comparator<BackupFile> NEWEST =
      Comparator.comparing(BackupFile::modified).thenComparing(f -> f.path().getFileName().toString());

  private BackupFiles() {}

  static Listing scan(Path dir, String glob) throws Problem {
    if (!Files.exists(dir)) {
      throw new Problem("backup directory " + dir + " does not exist", false);
    }
    if (!Files.isDirectory(dir)) {
      throw new Problem("backup path " + dir + " is not a directory", false);
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
    int count = 0;
    int linksOut = 0;
    BackupFile newest = null;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      ConfinedDirectory confined = new ConfinedDirectory(dir);
      for (Path p : entries) {
        if (!matcher.matches(p.getFileName())) {
          continue;
        }
        Optional<BackupFile> f;
        try {
          f = entry(confined, p);
        } catch (ConfinedDirectory.LinkOut e) {
          linksOut++;
          continue;
        }
        if (f.isPresent()) {
          count++;
          newest = newest == null || NEWEST.compare(f.get(), newest) > 0 ? f.get() : newest;
        }
      }
    } catch (AccessDeniedException e) {
      throw new Problem("cannot list backup directory " + dir + ": permission denied", true);
    } catch (IOException e) {
      throw new Problem("cannot list backup directory " + dir + " (" + e.getClass().getSimpleName() + ")", false);
    }
    if (newest == null) {
      throw new Problem("no file matching \"" + glob + "\" in " + dir
          + (linksOut == 0 ? "" : " (" + linksOut + " links out of the directory, not followed)"), false);
    }
    requireReadable(newest.path());
    return new Listing(count, newest);
  }

  private static Optional<BackupFile> entry(ConfinedDirectory confined, Path p) throws Problem, ConfinedDirectory.LinkOut {
    try {
      return confined.regularFile(p).map(e -> new BackupFile(e.path(), e.attributes().size(), e.attributes().lastModifiedTime().toInstant()));
    } catch (ConfinedDirectory.LinkOut e) {
      throw e;
    } catch (NoSuchFileException e) {
      if (Files.isSymbolicLink(p)) {
        throw new Problem("backup " + p + " is a link to a file that does not exist", false);
      }
      return Optional.empty(); // removed between listing and looking: rotation, not a problem
    } catch (AccessDeniedException e) {
      throw new Problem("cannot read backup " + p + ": permission denied", true);
    } catch (IOException e) {
      throw new Problem("cannot read backup " + p + " (" + e.getClass().getSimpleName() + ")", false);
    }
  }

  /**
   * A file found by {@link #scan}, as it is now: empty when it is gone or no longer a regular file
   * (replaced by a link, which is not followed).
   */
  static Optional<BackupFile> stat(Path p) throws Problem {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() ? Optional.of(new BackupFile(p, a.size(), a.lastModifiedTime().toInstant())) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (AccessDeniedException e) {
      throw new Problem("cannot read backup " + p + ": permission denied", true);
    } catch (IOException e) {
      throw new Problem("cannot read backup " + p + " (" + e.getClass().getSimpleName() + ")", false);
    }
  }

  /** A backup the exporter cannot open cannot be verified, and likely not restored by whoever runs as this user either. */
  private static void requireReadable(Path p) throws Problem {
    try (FileChannel ignored = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      // opened: readable
    } catch (AccessDeniedException e) {
      throw new Problem("newest backup " + p + " is not readable by the exporter: permission denied", true);
    } catch (IOException e) {
      throw new Problem("newest backup " + p + " cannot be opened (" + e.getClass().getSimpleName() + ")", false);
    }
  }
}
