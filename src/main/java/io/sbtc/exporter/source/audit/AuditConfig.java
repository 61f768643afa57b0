package io.sbtc.exporter.source.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.sbtc.exporter.config.ConfigNode;
import io.sbtc.exporter.core.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code audit:} section: best-practice checks from the signer operators' checklist. Key and
 * config files must not be readable by others; only the signer's P2P port and SSH should listen on
 * a non-loopback address; SSH must not take a password alone nor let root in.
 */
public record AuditConfig(Schedule schedule, List<FileRule> files, Optional<Listeners> listeners, Optional<Ssh> ssh) {

  /**
   * {@code maxMode} is an octal permission mask: any bit outside it fails the check. {@code maxAge},
   * when set, is the file's rotation period: a secret last written longer ago is due for rotation.
   */
  public record FileRule(Path path, int maxMode, Optional<String> owner, Optional<Duration> maxAge) {}

  /** {@code procNetFiles} are /proc/net/tcp and tcp6 by default; tests point them at fixtures. */
  public record Listeners(Set<Integer> allowedPublicPorts, List<Path> procNetFiles) {
    public static final List<String> DEFAULT_PROC_NET_FILES = List.of("/proc/net/tcp", "/proc/net/tcp6");
  }

  /**
   * Where the SSH server's settings are read: {@code configFile} and the files it includes, or,
   * when set, {@code sshdTOutput}, a file holding what {@code sshd -T} printed (which needs root).
   */
  public record Ssh(Path configFile, @JsonProperty("sshd_t_output") Optional<Path> sshdTOutput) {
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/ssh/sshd_config");
  }

  public static final Schedule DEFAULT_SCHEDULE = Schedule.of(Duration.ofSeconds(60), Duration.ofSeconds(10));

  /** One schedule for the whole section: every audit is a cheap look at local files. */
  public static AuditConfig read(ConfigNode node) {
    Schedule schedule = node.schedule(DEFAULT_SCHEDULE);
    List<FileRule> files = new ArrayList<>();
    for (ConfigNode f : node.objectList("files")) {
      Path path = f.path("path").orElseThrow(() -> f.error("path", "is required"));
      int mode = f.fileMode("max_mode", "0600");
      Optional<Duration> maxAge = f.has("max_age") ? Optional.of(f.duration("max_age", Duration.ZERO)) : Optional.empty();
      files.add(new FileRule(path, mode, f.optString("owner"), maxAge));
      f.rejectUnknownKeys();
    }
    Optional<Listeners> listeners = node.object("listeners").map(l -> {
      Set<Integer> ports = new TreeSet<>();
      for (String p : l.stringList("allowed_public_ports")) {
        try {
          int port = Integer.parseInt(p);
          if (port < 1 || port > 65535) {
            throw new NumberFormatException();
          }
          ports.add(port);
        } catch (NumberFormatException e) {
          throw l.error("allowed_public_ports", "must be a list of port numbers (got \"" + p + "\")");
        }
      }
      List<Path> paths = l.stringList("proc_net_files", Listeners.DEFAULT_PROC_NET_FILES).stream().map(Path::of).toList();
      l.rejectUnknownKeys();
      return new Listeners(Set.copyOf(ports), paths);
    });
    Optional<Ssh> ssh = node.object("ssh").map(s -> {
      Path config = s.path("config_file", Ssh.DEFAULT_CONFIG_FILE);
      Optional<Path> sshdT = s.path("sshd_t_output");
      s.rejectUnknownKeys();
      return new Ssh(config, sshdT);
    });
    node.rejectUnknownKeys();
    if (files.isEmpty() && listeners.isEmpty() && ssh.isEmpty()) {
      throw node.error("needs files, listeners, ssh or several of them");
    }
    return new AuditConfig(schedule, List.copyOf(files), listeners, ssh);
  }
}
