package io.sbtc.exporter.source.audit;

import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import java.util.Map;

/**
 * {@code audit_ssh}: the strict-access-control practice as far as a host can see it. The SSH
 * server must not accept a password alone, nor let root log in. Reads sshd's config files (or
 * saved {@code sshd -T} output); a file that cannot be read fails the poll, so the verdict is
 * unknown, never a pass.
 */
public final class SshdAudit implements Source.Blocking {
  public static final String NAME = "audit_ssh";

  private final AuditConfig.Ssh config;

  public SshdAudit(AuditConfig.Ssh config) {
    this.config = config;
  }

  @Override
  public SourceSnapshot poll(Poll poll) {
    SshdSettings settings = config.sshdTOutput().map(SshdConfigParser::readSshdT)
        .orElseGet(() -> SshdConfigParser.readConfig(config.configFile()));
    return SourceSnapshot.of(snapshot(settings));
  }

  static java.util.List<io.prometheus.metrics.model.snapshots.MetricSnapshot> snapshot(SshdSettings settings) {
    InfoSnapshot.Builder info = InfoSnapshot.builder().name("sbtc_audit_ssh_setting")
        .help("Always 1; the effective value of an audited sshd setting (lower-case, as sshd -T prints it). match is \"\" for "
            + "every connection, or the criteria of the Match block that changes it.");
    for (String key : SshdConfigParser.AUDITED) {
      info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
          .labels(Labels.of("setting", key, "value", settings.effective(key), "match", "")).build());
    }
    for (Map.Entry<String, Map<String, String>> block : settings.matchOverrides().entrySet()) {
      block.getValue().forEach((key, value) -> info.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder()
          .labels(Labels.of("setting", key, "value", value, "match", block.getKey())).build()));
    }
    return new Metrics()
        .flag("sbtc_audit_ssh_password_login",
            "1 if some SSH connection can log in with a password alone (PasswordAuthentication, or KbdInteractiveAuthentication "
                + "with UsePAM, and no AuthenticationMethods list that also needs a key), in the global section or a Match block; 0 otherwise.",
            settings.passwordLogin())
        .flag("sbtc_audit_ssh_root_login",
            "1 if PermitRootLogin lets root log in over SSH in any way (any value but no), in the global section or a Match block; 0 otherwise.",
            settings.rootLogin())
        .gauge("sbtc_audit_ssh_config_files", "sshd config files read: the main file and every file it includes (1 for sshd -T output).",
            settings.files())
        .add(info.build())
        .build();
  }
}
