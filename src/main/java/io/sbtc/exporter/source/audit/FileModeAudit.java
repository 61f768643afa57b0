package io.sbtc.exporter.source.audit;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.config.AuditConfig;
import io.sbtc.exporter.config.Schedule;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code audit_files}: the signer's private key and config must not be readable by others. Reads
 * only metadata (mode and owner), never the files' contents.
 */
public final class FileModeAudit implements Source {
  public static final String NAME = "audit_files";

  private final Vertx vertx;
  private final Schedule schedule;
  private final List<AuditConfig.FileRule> rules;

  public FileModeAudit(Vertx vertx, Schedule schedule, List<AuditConfig.FileRule> rules) {
    this.vertx = vertx;
    this.schedule = schedule;
    this.rules = rules;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Schedule schedule() {
    return schedule;
  }

  @Override
  public Future<SourceSnapshot> poll() {
    return vertx.executeBlocking(this::audit, false);
  }

  private SourceSnapshot audit() {
    GaugeSnapshot.Builder ok = GaugeSnapshot.builder().name("sbtc_audit_file_mode_ok")
        .help("1 if the file's permissions are within audit.files[].max_mode and its owner matches, 0 otherwise (also 0 when it is missing).");
    GaugeSnapshot.Builder mode = GaugeSnapshot.builder().name("sbtc_audit_file_mode")
        .help("The file's permission bits as a number (e.g. 384 is 0600, 420 is 0644).");
    List<SourceException> problems = new ArrayList<>();
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
      } catch (NoSuchFileException e) {
        ok.dataPoint(point(path, 0));
        problems.add(new SourceException(ErrorReason.OTHER, "audited file " + rule.path() + " does not exist"));
      } catch (IOException | UnsupportedOperationException e) {
        ok.dataPoint(point(path, 0));
        problems.add(new SourceException(ErrorReason.OTHER, "cannot read the mode of " + rule.path() + " (" + e.getClass().getSimpleName() + ")"));
      }
    }
    return new SourceSnapshot(List.of(ok.build(), mode.build()), problems);
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
