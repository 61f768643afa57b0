package io.sbtc.exporter.source.audit;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * {@code audit_files}: the signer's private key and config must not be readable by others, and
 * secrets with a rotation period ({@code max_age}) must have been rewritten within it. Reads only
 * metadata (mode, owner, modification time), never the files' contents.
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
    GaugeSnapshot.Builder modified = GaugeSnapshot.builder().name("sbtc_audit_file_modified_timestamp_seconds").unit(Unit.SECONDS)
        .help("Unix time the file's contents were last written (its mtime, through symbolic links, so a Kubernetes secret"
            + " volume shows the last update); for a secret, when it was last rotated. Absent when the file is missing.");
    GaugeSnapshot.Builder maxAge = GaugeSnapshot.builder().name("sbtc_audit_file_max_age_seconds").unit(Unit.SECONDS)
        .help("The file's rotation period, audit.files[].max_age; only for files that set one.");
    for (AuditConfig.FileRule rule : rules) {
      Labels path = Labels.of("path", rule.path().toString());
      try {
        // Follows links: a link's own mode is always 0777 and says nothing; what others can read is the
        // target (Kubernetes Secret and ConfigMap mounts are links into a ..data directory).
        PosixFileAttributes attrs = Files.readAttributes(rule.path(), PosixFileAttributes.class);
        int bits = bits(attrs.permissions());
        boolean good = (bits & ~rule.maxMode()) == 0 && rule.owner().map(o -> o.equals(attrs.owner().getName())).orElse(true);
        ok.dataPoint(point(path, good ? 1 : 0));
        mode.dataPoint(point(path, bits));
        // The link's own time would be when the link was made: what a rotation rewrites is the target.
        modified.dataPoint(point(path, Files.getLastModifiedTime(rule.path()).toMillis() / 1000.0));
        rule.maxAge().ifPresent(a -> maxAge.dataPoint(point(path, a.toSeconds())));
      } catch (NoSuchFileException e) {
        ok.dataPoint(point(path, 0));
        poll.problem(new SourceException(ErrorReason.OTHER, "audited file " + rule.path() + " does not exist"));
      } catch (IOException | UnsupportedOperationException e) {
        ok.dataPoint(point(path, 0));
        poll.problem(new SourceException(ErrorReason.OTHER, "cannot read the mode of " + rule.path() + " (" + e.getClass().getSimpleName() + ")"));
      }
    }
    return poll.snapshot(List.of(ok.build(), mode.build(), modified.build(), maxAge.build()));
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
