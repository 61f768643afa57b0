package io.sbtc.exporter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warns when a secret file is readable by group or others: once per file and mode, not at every
 * reload. One instance lives as long as the process; a file that is fixed and later opened up
 * again is reported again.
 */
public final class SecretFileWarnings {
  private static final System.Logger LOG = System.getLogger(SecretFileWarnings.class.getName());

  private final Map<Path, String> warned = new ConcurrentHashMap<>();

  void check(String key, Path file) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (IOException | UnsupportedOperationException e) {
      return; // no POSIX permissions to check (or the read that follows fails with a clear message)
    }
    Path where = file.toAbsolutePath().normalize();
    if (perms.stream().noneMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
      warned.remove(where);
      return;
    }
    String mode = PosixFilePermissions.toString(perms);
    if (!mode.equals(warned.put(where, mode))) {
      LOG.log(System.Logger.Level.WARNING, "msg=\"secret file is readable by group or others; chmod 600 it\" key={0} file={1} mode={2}",
          key, file, mode);
    }
  }
}
