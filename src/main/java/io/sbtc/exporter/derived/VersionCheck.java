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
      // The signer reports a git revision, not a version number: comparable only once it is a release tag's
      // name or the release feed's tags map it to a release (releaseOfRevision), never by itself.
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
    GaugeSnapshot.Builder released = GaugeSnapshot.builder().name("sbtc_version_revision_released")
        .help("1 if the git revision a component reports (the signer's) is a release's, by the release feed's tags or by being a"
            + " release tag's name itself, with that release in the release label; 0 if it matches no release (release=\"\");"
            + " absent when neither can tell (a commit and no release feed).");
    Map<String, String> latest = latestReleases(fresh.get(ReleaseFeedSource.NAME));
    Map<String, Map<String, String>> tags = releaseTags(fresh.get(ReleaseFeedSource.NAME));
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
      if (ReleaseFeedSource.BY_REVISION.contains(component)) {
        Optional<Version> match = releaseOfRevision(text.get(), tags.get(component));
        if (match.isPresent() || tags.containsKey(component)) {
          released.dataPoint(point(Labels.of("component", component, "revision", text.get(), "release",
              match.map(Version::toString).orElse("")), match.isPresent() ? 1 : 0));
        }
        version = match;
      }
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
    List<MetricSnapshot> out = new ArrayList<>(List.of(running.build(), below.build(), unparsable.build(), behind.build(),
        released.build()));
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

  /**
   * The release a reported revision belongs to. The signer's release images are built without .git,
   * so they report the release tag's name (stacks-sbtc/sbtc v1.3.3 signer/build.rs:22-31 falls back
   * to GIT_COMMIT, which .github/workflows/image-build-and-draft-release.yaml:123 sets to the tag);
   * builds from a checkout report the commit, full or abbreviated, which the tags map to a release.
   */
  static Optional<Version> releaseOfRevision(String revision, Map<String, String> versionByCommit) {
    String r = revision.strip().toLowerCase(java.util.Locale.ROOT);
    if (!r.matches("[0-9a-f]{7,40}")) {
      return r.contains(".") ? Version.parse(r).filter(v -> !v.prerelease()) : Optional.empty();
    }
    if (versionByCommit == null) {
      return Optional.empty();
    }
    return versionByCommit.entrySet().stream().filter(e -> e.getKey().startsWith(r)).map(e -> Version.parse(e.getValue()))
        .flatMap(Optional::stream).max(Version::compareTo);
  }

  private static Map<String, Map<String, String>> releaseTags(SourceSnapshot feed) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    if (feed != null) {
      for (MetricSnapshot m : feed.metrics()) {
        if (m instanceof InfoSnapshot info && m.getMetadata().getName().equals("sbtc_release_tag")) {
          info.getDataPoints().forEach(p -> out.computeIfAbsent(p.getLabels().get("component"), c -> new LinkedHashMap<>())
              .put(p.getLabels().get("revision"), p.getLabels().get("version")));
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
