package io.sbtc.exporter.derived;

import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.common.Version;
import io.sbtc.exporter.core.DerivedMetrics;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.bitcoin.BitcoinSource;
import io.sbtc.exporter.source.postgres.SignerDbSource;
import io.sbtc.exporter.source.release.Component;
import io.sbtc.exporter.source.release.ReleaseFeedSource;
import io.sbtc.exporter.source.release.VersionsConfig;
import io.sbtc.exporter.source.signer.SignerInfoSource;
import io.sbtc.exporter.source.stacks.StacksSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The running version of each component against its configured minimum and the newest release.
 * Versions come from fresh snapshots: the node's own source first, else what the signer's /info
 * reports about it. A version string that cannot be read is reported as such, never as "ok".
 */
public final class VersionCheck implements DerivedMetrics {
  /** Where a component's version string is found: source, info metric, label, and how to read it. */
  private record Origin(String source, String info, String label, Function<String, Optional<Version>> parser) {}

  /** Every component's origins, the node's own source first; a component without origins fails here, at class load. */
  private static final Map<Component, List<Origin>> ORIGINS = complete(Map.of(
      Component.BITCOIND, List.of(
          new Origin(BitcoinSource.NAME, BitcoinSource.INFO_FAMILY, BitcoinSource.INFO_SUBVERSION, Version::fromBitcoinSubversion),
          new Origin(SignerInfoSource.NAME, SignerInfoSource.INFO_FAMILY, SignerInfoSource.INFO_BITCOIN_NODE_SUBVERSION, Version::fromBitcoinSubversion)),
      Component.STACKS_NODE, List.of(
          new Origin(StacksSource.NAME, StacksSource.INFO_FAMILY, StacksSource.INFO_SERVER_VERSION, Version::fromStacksServerVersion),
          new Origin(SignerInfoSource.NAME, SignerInfoSource.INFO_FAMILY, SignerInfoSource.INFO_STACKS_NODE_VERSION, Version::fromStacksServerVersion)),
      // The signer reports a git revision, not a version number: shown, but never comparable.
      Component.SIGNER, List.of(new Origin(SignerInfoSource.NAME, SignerInfoSource.INFO_FAMILY, SignerInfoSource.INFO_GIT_REVISION, s -> Optional.empty())),
      Component.POSTGRES, List.of(new Origin(SignerDbSource.NAME, SignerDbSource.POSTGRES_INFO, SignerDbSource.POSTGRES_SERVER_VERSION, Version::fromPostgres))));

  private final VersionsConfig config;

  public VersionCheck(VersionsConfig config) {
    this.config = config;
  }

  @Override
  public List<MetricSnapshot> derive(Map<String, SourceSnapshot> fresh) {
    GaugeSnapshot.Builder below = GaugeSnapshot.builder().name("sbtc_version_below_minimum")
        .help("1 if the component's running version is below versions.minimum, 0 if not; absent when either is unknown.");
    GaugeSnapshot.Builder unparsable = GaugeSnapshot.builder().name("sbtc_version_unparsable")
        .help("1 when a minimum is configured but the running version string cannot be read as a version (its own state, not a pass).");
    GaugeSnapshot.Builder behind = GaugeSnapshot.builder().name("sbtc_release_behind")
        .help("1 if a newer final release than the running version exists in the release feed, 0 if not; absent when either is unknown.");
    InfoSnapshot.Builder running = InfoSnapshot.builder().name("sbtc_version_running")
        .help("Always 1; the version string each component reports, as read from the fresh sources.");
    Map<String, String> latest = latestReleases(fresh.get(ReleaseFeedSource.NAME));
    for (Component c : Component.values()) {
      String component = c.key();
      Optional<String> text = Optional.empty();
      Optional<Version> version = Optional.empty();
      for (Origin o : ORIGINS.get(c)) {
        Optional<String> t = label(fresh.get(o.source()), o.info(), o.label()).filter(s -> !s.isEmpty());
        if (t.isPresent()) {
          text = t;
          version = o.parser().apply(t.get());
          break;
        }
      }
      if (text.isEmpty()) {
        continue;
      }
      running.dataPoint(InfoSnapshot.InfoDataPointSnapshot.builder().labels(Labels.of("component", component, "version", text.get())).build());
      String minimum = config.minimum().get(component);
      if (minimum != null) {
        if (version.isEmpty()) {
          unparsable.dataPoint(point(Labels.of("component", component, "running", text.get()), 1));
        } else {
          boolean isBelow = version.get().compareTo(Version.parse(minimum).orElseThrow()) < 0;
          below.dataPoint(point(Labels.of("component", component, "running", version.get().toString(), "minimum", minimum), isBelow ? 1 : 0));
        }
      }
      Optional<Version> newest = Optional.ofNullable(latest.get(component)).flatMap(Version::parse);
      if (version.isPresent() && newest.isPresent()) {
        behind.dataPoint(point(Labels.of("component", component), version.get().compareTo(newest.get()) < 0 ? 1 : 0));
      }
    }
    List<MetricSnapshot> out = new ArrayList<>(List.of(running.build(), below.build(), unparsable.build(), behind.build()));
    return out;
  }

  private static Map<Component, List<Origin>> complete(Map<Component, List<Origin>> origins) {
    Map<Component, List<Origin>> all = new EnumMap<>(origins);
    for (Component c : Component.values()) {
      if (all.getOrDefault(c, List.of()).isEmpty()) {
        throw new IllegalStateException("no origin for the version of " + c.key());
      }
    }
    return all;
  }

  private static Map<String, String> latestReleases(SourceSnapshot feed) {
    Map<String, String> out = new LinkedHashMap<>();
    if (feed != null) {
      for (MetricSnapshot m : feed.metrics()) {
        if (m instanceof InfoSnapshot info && m.getMetadata().getName().equals("sbtc_release_latest")) {
          info.getDataPoints().forEach(p -> out.put(p.getLabels().get("component"), p.getLabels().get("version")));
        }
      }
    }
    return out;
  }

  private static Optional<String> label(SourceSnapshot snapshot, String info, String label) {
    return snapshot == null ? Optional.empty() : snapshot.infoLabel(info, label);
  }

  private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
    return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
