package io.sbtc.exporter.check;

import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.source.audit.AuditConfig;
import io.sbtc.exporter.source.audit.FileModeAudit;
import io.sbtc.exporter.source.audit.ListenerAudit;
import io.sbtc.exporter.source.audit.SshdAudit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/** Items about the host itself: the key file, SSH, listening ports (the audits). */
final class HostChecks {
  private HostChecks() {}

  private static List<AuditConfig.FileRule> auditedFiles(Readings r) {
    return r.config().section(AuditConfig.class).map(AuditConfig::files).orElse(List.of());
  }

  /** The metric says whether a file passes; the config's max_mode and owner only explain why not. */
  static Verdict keyFiles(Readings r) {
    List<AuditConfig.FileRule> rules = auditedFiles(r);
    if (rules.isEmpty()) {
      return Verdict.notConfigured("no key or config file is audited",
          "add audit.files with the signer's config file, which holds its private key");
    }
    Optional<Verdict> cannotJudge = r.cannotJudge(FileModeAudit.NAME);
    if (cannotJudge.isPresent()) {
      return cannotJudge.get();
    }
    Parts parts = new Parts();
    for (AuditConfig.FileRule rule : rules) {
      String path = rule.path().toString();
      OptionalDouble ok = r.value("sbtc_audit_file_mode_ok", "path", path);
      OptionalDouble mode = r.value("sbtc_audit_file_mode", "path", path);
      String allowed = Facts.mode(rule.maxMode());
      if (ok.isEmpty()) {
        parts.add(State.UNKNOWN, path + ": not audited yet");
      } else if (ok.getAsDouble() == 1) {
        parts.add(State.PASS, path + " " + Facts.mode(mode.orElse(0)) + " (allowed " + allowed + ")");
      } else if (mode.isEmpty()) {
        String why = r.partialErrors(FileModeAudit.NAME).stream().map(SourceException::getMessage)
            .filter(m -> m.contains(path)).findFirst().orElse(path + ": cannot be read");
        parts.add(State.FAIL, why);
      } else if (((int) mode.getAsDouble() & ~rule.maxMode()) != 0) {
        parts.add(State.FAIL, path + ": mode " + Facts.mode(mode.getAsDouble()) + ", allowed " + allowed);
      } else {
        parts.add(State.FAIL, path + ": not owned by " + rule.owner().orElse("the configured owner"));
      }
    }
    return parts.verdict();
  }

  /**
   * As SbtcSecretTooOld: each audited file with a rotation period, its last write against that
   * period. Without any period nothing here knows the schedule.
   */
  static Verdict secretsRotated(Readings r) {
    List<AuditConfig.FileRule> rules = auditedFiles(r).stream()
        .filter(f -> f.maxAge().isPresent()).toList();
    if (rules.isEmpty()) {
      return Verdict.notConfigured("no secret has a rotation period",
          "add max_age (the rotation period) to the audit.files entries of the password files and TLS keys");
    }
    Optional<Verdict> cannotJudge = r.cannotJudge(FileModeAudit.NAME);
    if (cannotJudge.isPresent()) {
      return cannotJudge.get();
    }
    Parts parts = new Parts();
    for (AuditConfig.FileRule rule : rules) {
      String path = rule.path().toString();
      OptionalDouble modified = r.value("sbtc_audit_file_modified_timestamp_seconds", "path", path);
      double limit = rule.maxAge().orElseThrow().toSeconds();
      if (modified.isEmpty()) {
        parts.add(State.UNKNOWN, path + ": missing or not audited yet");
      } else {
        double age = r.nowSeconds() - modified.getAsDouble();
        parts.add(age > limit ? State.FAIL : State.PASS, path + " last written " + Facts.against(age, " ago, rotation period ", limit));
      }
    }
    return parts.verdict();
  }

  static Verdict ssh(Readings r) {
    if (r.config().section(AuditConfig.class).flatMap(AuditConfig::ssh).isEmpty()) {
      return Verdict.notConfigured("SSH is not audited", "add audit.ssh (config_file defaults to /etc/ssh/sshd_config)");
    }
    Optional<String> problem = r.problem(SshdAudit.NAME);
    OptionalDouble password = r.value("sbtc_audit_ssh_password_login");
    OptionalDouble root = r.value("sbtc_audit_ssh_root_login");
    if (problem.isPresent() || password.isEmpty() || root.isEmpty()) {
      return Verdict.unknown("cannot judge: " + problem.orElse(SshdAudit.NAME + ": no verdict"));
    }
    Map<String, String> global = new TreeMap<>();
    List<String> matches = new ArrayList<>();
    for (Readings.Sample s : r.samples("sbtc_audit_ssh_setting_info")) {
      if (s.label("match").isEmpty()) {
        global.put(s.label("setting"), s.label("value"));
      } else {
        matches.add("Match " + s.label("match") + ": " + s.label("setting") + " " + s.label("value"));
      }
    }
    String settings = "passwordauthentication " + global.get("passwordauthentication")
        + ", kbdinteractiveauthentication " + global.get("kbdinteractiveauthentication")
        + ", permitrootlogin " + global.get("permitrootlogin")
        + (matches.isEmpty() ? "" : "; " + String.join(", ", matches));
    List<String> open = new ArrayList<>();
    if (password.getAsDouble() == 1) {
      open.add("a password alone logs in");
    }
    if (root.getAsDouble() == 1) {
      open.add("root may log in");
    }
    return open.isEmpty()
        ? Verdict.pass("keys only, no root login (" + settings + ")")
        : Verdict.fail(String.join(" and ", open) + " (" + settings + ")");
  }

  static Verdict publicListeners(Readings r) {
    Optional<AuditConfig.Listeners> config = r.config().section(AuditConfig.class).flatMap(AuditConfig::listeners);
    if (config.isEmpty()) {
      return Verdict.notConfigured("listening ports are not audited",
          "add audit.listeners with allowed_public_ports (the signer's P2P port and SSH)");
    }
    Optional<Verdict> cannotJudge = r.cannotJudge(ListenerAudit.NAME);
    if (cannotJudge.isPresent()) {
      return cannotJudge.get();
    }
    String allowed = "allowed: " + (config.get().allowedPublicPorts().isEmpty() ? "none"
        : String.join(", ", config.get().allowedPublicPorts().stream().map(String::valueOf).toList()));
    List<String> exposed = r.samples("sbtc_audit_public_listener").stream().filter(s -> s.value() == 1)
        .map(s -> s.label("port") + " on " + s.label("address")).toList();
    if (exposed.isEmpty()) {
      return Verdict.pass("no other port listens on a public address (" + allowed + ")");
    }
    return Verdict.fail(exposed.size() + (exposed.size() == 1 ? " port listens" : " ports listen") + " on a public address: "
        + String.join(", ", exposed) + " (" + allowed + ")");
  }
}
