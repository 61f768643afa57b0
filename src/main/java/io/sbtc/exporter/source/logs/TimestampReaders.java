package io.sbtc.exporter.source.logs;

import io.sbtc.exporter.source.logs.LogConfig.Format;
import java.util.Optional;

/** The one map from a configured {@code format} to its reader. */
public final class TimestampReaders {
  private TimestampReaders() {}

  /** The reader of {@code format}; {@code mtime} reads no lines, so it has one that finds nothing. */
  public static TimestampReader of(Format format) {
    return switch (format) {
      case AUTO -> AutoTimestamp.READER;
      case JSON -> JsonLineTimestamp.READER;
      case BITCOIND -> BitcoindTimestamp.READER;
      case STACKS -> StacksTimestamp.READER;
      case DOCKER_JSON -> DockerJsonTimestamp.READER;
      case RFC3339 -> Rfc3339Timestamp.READER;
      case MTIME -> line -> Optional.empty();
    };
  }
}
