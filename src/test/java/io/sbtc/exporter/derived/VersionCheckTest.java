package io.sbtc.exporter.derived;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sbtc.exporter.core.FamilyMerger;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.release.VersionsConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionCheckTest {

  static SourceSnapshot info(String name, String... labels) {
    return SourceSnapshot.of(new Metrics().info(name, "h", Labels.of(labels)).build());
  }

  static List<String> lines(Map<String, SourceSnapshot> fresh, Map<String, String> minimum) throws Exception {
    VersionCheck check = new VersionCheck(new VersionsConfig(minimum, Optional.empty()));
    MetricSnapshots out = FamilyMerger.merge(check.derive(fresh));
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(b, out);
    return b.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).toList();
  }

  @Test
  void belowMinimumUnparsableAndBehindTheLatestRelease() throws Exception {
    Map<String, SourceSnapshot> fresh = Map.of(
        "bitcoin", info("sbtc_bitcoin", "chain", "main", "version", "240100", "subversion", "/Satoshi:24.1.0/"),
        "stacks", info("sbtc_stacks", "network_id", "1", "server_version",
            "stacks-node 3.4.0.0.2 (release/3.4.0.0.2:9f1e2d3, release build, linux [x86_64])"),
        "signer_info", info("sbtc_signer", "git_revision", "7c2e9f41", "stacks_node_version", "stacks-node 3.4.0.0.1 (x)"),
        "release_feed", SourceSnapshot.of(new Metrics()
            .add(io.prometheus.metrics.model.snapshots.InfoSnapshot.builder().name("sbtc_release_latest")
                .dataPoint(io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot.builder()
                    .labels(Labels.of("component", "bitcoind", "version", "30.1")).build())
                .dataPoint(io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot.builder()
                    .labels(Labels.of("component", "stacks_node", "version", "3.4.0.0.2")).build())
                .build())
            .build()));
    assertEquals(List.of(
            "sbtc_release_behind{component=\"bitcoind\"} 1.0",
            "sbtc_release_behind{component=\"stacks_node\"} 0.0",
            "sbtc_version_below_minimum{component=\"bitcoind\",minimum=\"25.0\",running=\"24.1.0\"} 1.0",
            "sbtc_version_below_minimum{component=\"stacks_node\",minimum=\"3.1.0.0.5\",running=\"3.4.0.0.2\"} 0.0",
            "sbtc_version_running_info{component=\"bitcoind\",version=\"/Satoshi:24.1.0/\"} 1",
            "sbtc_version_running_info{component=\"signer\",version=\"7c2e9f41\"} 1",
            "sbtc_version_running_info{component=\"stacks_node\",version=\"stacks-node 3.4.0.0.2 (release/3.4.0.0.2:9f1e2d3, release build, linux [x86_64])\"} 1",
            "sbtc_version_unparsable{component=\"signer\",running=\"7c2e9f41\"} 1.0"),
        lines(fresh, Map.of("bitcoind", "25.0", "stacks_node", "3.1.0.0.5", "signer", "1.2.0")));
  }

  @Test
  void theSignersViewOfItsNodesIsUsedWhenTheNodeSourcesAreAbsentAndNothingWhenAllAreStale() throws Exception {
    Map<String, SourceSnapshot> onlySigner = Map.of("signer_info",
        info("sbtc_signer", "bitcoin_node_subversion", "/Satoshi:28.1.0/", "git_revision", ""));
    assertEquals(List.of(
            "sbtc_version_below_minimum{component=\"bitcoind\",minimum=\"25.0\",running=\"28.1.0\"} 0.0",
            "sbtc_version_running_info{component=\"bitcoind\",version=\"/Satoshi:28.1.0/\"} 1"),
        lines(onlySigner, Map.of("bitcoind", "25.0")));
    assertEquals(List.of(), lines(Map.of(), Map.of("bitcoind", "25.0")), "no fresh source, no verdict");
  }

  @Test
  void aRevisionIsItsReleasesByTagNameOrByCommitAndNothingElse() {
    Map<String, String> tags = Map.of("11567fc6a111c130177e64380503acca8546aab6", "1.3.3", "6d264752681ff4c99d7f5baa7668a4b07a9c6558", "1.3.2");
    assertEquals(Optional.of("1.3.3"), VersionCheck.releaseOfRevision("11567fc6a111c130177e64380503acca8546aab6", tags).map(Object::toString));
    assertEquals(Optional.of("1.3.3"), VersionCheck.releaseOfRevision("11567FC", tags).map(Object::toString), "abbreviated, any case");
    assertEquals(Optional.of("1.3.3"), VersionCheck.releaseOfRevision("v1.3.3", null).map(Object::toString), "a release image's tag name");
    assertEquals(Optional.empty(), VersionCheck.releaseOfRevision("v1.1.0-rc1", tags), "a candidate is no release");
    assertEquals(Optional.empty(), VersionCheck.releaseOfRevision("7c2e9f41", tags));
    assertEquals(Optional.empty(), VersionCheck.releaseOfRevision("11567fc", null), "no tags, no answer");
    assertEquals(Optional.empty(), VersionCheck.releaseOfRevision("115", tags), "too short to be a commit");
  }
}
