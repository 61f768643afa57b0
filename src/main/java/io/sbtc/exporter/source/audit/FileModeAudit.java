package io.sbtc.exporter.source.audit;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * {@code audit_files}: the signer's private key and config must not be readable by others. Reads
 * only metadata (mode and owner), never the files' contents.
 */
public final class FileModeAudit implements Source.Blocking {
  public static final String NAME = "audit_files";

  private final List<AuditConfig.FileRule> rules;

  public FileModeAudit(List<AuditConfig.FileRule> rules) {
    this.rules = rules;
  }

  /** A missing or unreadable file is a finding (mode_ok 0) and a problem of the poll, never a failed poll. */
  @Override
  public SourceSnapshot poll(Poll poll) {
    GaugeSnapshot.Builder ok = GaugeSnapshot.builder().name("sbtc_audit_file_mode_ok")
        .help("1 if the file's permissions are within audit.files[].max_mode and its owner matches, 0 otherwise (also 0 when it is missing).");
    GaugeSnapshot.Builder mode = GaugeSnapshot.builder().name("sbtc_audit_file_mode")
        .help("The file's permission bits as a number (e.g. 384 is 0600, 420 is 0644).");
    for (AuditConfig.FileRule rule : rules) {
      Labels path = Labels.of("path", rule.path().toString());
      try {
        PosixFileAttributes attrs = Files.readAttributes(rule.path(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int bits = bits(attrs.permissions());
        boolean good = (bits & ~rule.maxMode()) == 0 && rule.owner().map(o -> o.equals(attrs.owner().getName())).orElse(true);
        ok.dataPoint(point(path, good ? 1 : 0));
        mode.dataPoint(point(path, bits));
      } catch (NoSuchFileException e) {
        ok.dataPoint(point(path, 0));
        poll.problem(new SourceException(ErrorReason.OTHER, "audited file " + rule.path() + " does not exist"));
      } catch (IOException | UnsupportedOperationException e) {
        ok.dataPoint(point(path, 0));
        poll.problem(new SourceException(ErrorReason.OTHER, "cannot read the mode of " + rule.path() + " (" + e.getClass().getSimpleName() + ")"));
      }
    }
    return poll.snapshot(List.of(ok.build(), mode.build()));
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  static int bits(Set<PosixFilePermission> perms) {
    int bits = 0;
    for (PosixFilePermission p : perms) {
      bits |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 and bit 0400
    }
    return bits;
  }
}
