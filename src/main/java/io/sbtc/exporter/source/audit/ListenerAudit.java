package io.sbtc.exporter.source.audit;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code audit_listeners}: TCP sockets listening on a non-loopback address on a port that is not
 * allowed. The firewall default-deny practice: only the signer's P2P port and SSH face the network.
 */
public final class ListenerAudit implements Source.Blocking {
  public static final String NAME = "audit_listeners";

  private final AuditConfig.Listeners config;

  public ListenerAudit(AuditConfig.Listeners config) {
    this.config = config;
  }

  @Override
  public SourceSnapshot poll(Poll poll) {
    // port -> the addresses it is exposed on, so one port bound on v4 and v6 is one series
    TreeMap<Integer, Set<String>> exposed = new TreeMap<>();
    int readable = 0;
    for (Path file : config.procNetFiles()) {
      String text;
      try {
        text = Files.readString(file);
        readable++;
      } catch (IOException e) {
        continue; // no IPv6 on this host, for example
      }
      for (ProcNetTcp.Listener l : ProcNetTcp.listeners(text)) {
        if (!l.loopback() && !config.allowedPublicPorts().contains(l.port())) {
          exposed.computeIfAbsent(l.port(), p -> new java.util.TreeSet<>()).add(l.address());
        }
      }
    }
    if (readable == 0) {
      throw new SourceException(ErrorReason.OTHER, "cannot read " + config.procNetFiles() + ": is /proc mounted?");
    }
    GaugeSnapshot.Builder listener = GaugeSnapshot.builder().name("sbtc_audit_public_listener")
        .help("1 for each TCP port listening on a non-loopback address that audit.listeners.allowed_public_ports does not allow.");
    exposed.forEach((port, addresses) -> listener.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
        .labels(Labels.of("port", Integer.toString(port), "address", String.join(",", addresses))).value(1).build()));
    return SourceSnapshot.of(new Metrics()
        .add(listener.build())
        .gauge("sbtc_audit_public_listeners_unexpected",
            "How many TCP ports listen on a non-loopback address without being allowed; 0 is the goal.", exposed.size())
        .build());
  }
}
