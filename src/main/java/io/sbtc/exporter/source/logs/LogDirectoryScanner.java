package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.core.Deadline;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.ConfinedDirectory;
import io.sbtc.exporter.source.logs.LogConfig.Format;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Measures how far back one component's log files reach. Coverage comes from the oldest line's own
 * timestamp, read from the first lines of the oldest file: a rotated file's modification time is
 * when it was last written, which says nothing about how far back it reaches. Only the beginning
 * of the oldest file is read; the others cost a stat each. Never followed out of the directory
 * (see {@link ConfinedDirectory}).
 */
final class LogDirectoryScanner {
  /** Files read per scan while looking for one whose first lines parse, so a wrong format stays cheap. */
  static final int MAX_FILES_READ = 16;

  /** Opens a file for reading; tests swap it to count the bytes read. */
  @FunctionalInterface
  interface Opener {
    InputStream open(Path file) throws IOException;
  }

  private final Path dir;
  private final String glob;
  private final Format format;
  private final TimestampReader reader;
  private final Opener opener;

  LogDirectoryScanner(Path dir, String glob, Format format, Opener opener) {
    this.dir = dir;
    this.glob = glob;
    this.format = format;
    this.reader = TimestampReaders.of(format);
    this.opener = opener;
  }

  /**
   * Blocking: call on a worker. A directory that cannot be listed fails the scan, and so does one
   * that is still being listed or read at {@code deadline} (a directory of many thousand files, a
   * hung network mount).
   */
  LogScan scan(Deadline deadline) {
    List<SourceException> problems = new ArrayList<>();
    List<LogFile> files = list(problems, deadline);
    long bytes = files.stream().mapToLong(LogFile::size).sum();
    Optional<Instant> lastWrite = files.stream().map(LogFile::modified).max(Comparator.naturalOrder());
    List<LogFile> nonEmpty = files.stream().filter(f -> f.size() > 0).sorted(LogFile.OLDEST_FIRST).toList();

    if (format == Format.MTIME) {
      // No timestamps in the lines: the oldest file was last written at its mtime, so lines at least
      // that old exist. A lower bound on coverage, never an overstatement.
      Optional<Instant> oldest = nonEmpty.stream().map(LogFile::modified).min(Comparator.naturalOrder());
      return new LogScan(files.size(), bytes, oldest, lastWrite, 0, problems);
    }

    Optional<Instant> oldest = Optional.empty();
    int unparsed = 0;
    int read = 0;
    for (LogFile f : nonEmpty) {
      if (read++ >= MAX_FILES_READ) {
        break;
      }
      checkTime(deadline);
      Optional<List<String>> lines = firstLines(f, problems);
      if (lines.isEmpty()) {
        unparsed++;
        continue;
      }
      if (lines.get().isEmpty()) {
        continue; // only blank lines, or gone since the listing: nothing to misread
      }
      oldest = lines.get().stream().map(reader::read).flatMap(Optional::stream).findFirst();
      if (oldest.isPresent()) {
        break;
      }
      unparsed++;
    }
    return new LogScan(files.size(), bytes, oldest, lastWrite, unparsed, problems);
  }

  private List<LogFile> list(List<SourceException> problems, Deadline deadline) {
    List<LogFile> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
      ConfinedDirectory confined = new ConfinedDirectory(dir);
      for (Path p : entries) {
        checkTime(deadline);
        try {
          confined.regularFile(p).ifPresent(e ->
              files.add(new LogFile(e.path(), e.attributes().size(), e.attributes().lastModifiedTime().toInstant())));
        } catch (NoSuchFileException e) {
          // rotated away between the listing and the stat
        } catch (ConfinedDirectory.LinkOut e) {
          problems.add(new SourceException(ErrorReason.OTHER, e.getMessage()));
        } catch (IOException e) {
          problems.add(new SourceException(ErrorReason.OTHER, "cannot stat " + p + " (" + e.getClass().getSimpleName() + ")"));
        }
      }
    } catch (NoSuchFileException e) {
      throw new SourceException(ErrorReason.OTHER, "log directory " + dir + " does not exist");
    } catch (NotDirectoryException e) {
      throw new SourceException(ErrorReason.OTHER, "log path " + dir + " is not a directory");
    } catch (AccessDeniedException e) {
      throw new SourceException(ErrorReason.AUTH, "no permission to list log directory " + dir);
    } catch (SourceException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new SourceException(ErrorReason.OTHER, "cannot list log directory " + dir + " (" + e.getClass().getSimpleName() + ")");
    }
    return files;
  }

  private void checkTime(Deadline deadline) {
    if (deadline.passed()) {
      throw new SourceException(ErrorReason.TIMEOUT, "the scan of log directory " + dir + " did not finish within the timeout");
    }
  }

  /** The file's first non-blank lines, or empty when it cannot be read (counted as unparsed, and reported). */
  private Optional<List<String>> firstLines(LogFile f, List<SourceException> problems) {
    try (InputStream in = opener.open(f.path())) {
      return Optional.of(FirstLines.read(in, FirstLines.MAX_LINES));
    } catch (NoSuchFileException e) {
      return Optional.of(List.of()); // rotated away since the listing
    } catch (AccessDeniedException e) {
      problems.add(new SourceException(ErrorReason.AUTH, "no permission to read " + f.path()));
    } catch (IOException e) {
      problems.add(new SourceException(ErrorReason.OTHER, "cannot read " + f.path() + " (" + e.getClass().getSimpleName() + ")"));
    }
    return Optional.empty();
  }
}
