package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.config.ListenAddress;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.source.signer.SignerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes example: the exporter as a hardened sidecar of the signer's pod, its ConfigMap
 * loadable by the real config loader, and a PodMonitor that selects that pod and port. No cluster
 * runs here, so this checks the manifests, not a running pod.
 */
class KubernetesDeployTest {
  static final Path DIR = Path.of("deploy/kubernetes");
  static final String EXPORTER = "sbtc-signer-exporter";
  static final String JOB = "sbtc-signer-exporter";

  final List<JsonNode> docs = Yaml.documents(DIR.resolve("sbtc-signer.yaml"));
  final JsonNode statefulSet = Yaml.resource(docs, "StatefulSet", "sbtc-signer");
  final JsonNode podSpec = statefulSet.path("spec").path("template").path("spec");
  final JsonNode exporter = Yaml.named(podSpec.path("containers"), "name", EXPORTER).orElseThrow();
  final JsonNode podMonitor = Yaml.resource(Yaml.documents(DIR.resolve("podmonitor.yaml")), "PodMonitor", null);

  @Test
  void exporterContainerIsHardened() {
    JsonNode sc = exporter.path("securityContext");
    assertTrue(sc.path("runAsNonRoot").asBoolean(), "runAsNonRoot");
    assertEquals(10184, sc.path("runAsUser").asInt());
    assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), "readOnlyRootFilesystem");
    assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), "allowPrivilegeEscalation must be false");
    assertEquals(List.of("ALL"), Yaml.strings(sc.path("capabilities").path("drop")));
    assertTrue(sc.path("capabilities").path("add").isMissingNode(), "no capability added");
    assertEquals("RuntimeDefault", podSpec.path("securityContext").path("seccompProfile").path("type").asText());
    assertFalse(podSpec.path("automountServiceAccountToken").asBoolean(true), "the exporter needs no API token");
    for (String kind : List.of("requests", "limits")) {
      assertTrue(exporter.path("resources").path(kind).has("memory"), "resources." + kind + ".memory");
    }
    assertTrue(exporter.path("resources").path("requests").has("cpu"));
  }

  @Test
  void probesUseTheHealthAndReadinessEndpointsOnTheMetricsPort() {
    JsonNode port = Yaml.named(exporter.path("ports"), "name", "metrics").orElseThrow(() -> new AssertionError("no port named metrics"));
    assertEquals(ExporterConfig.DEFAULT_PORT, port.path("containerPort").asInt());
    assertEquals("/-/healthy", exporter.path("livenessProbe").path("httpGet").path("path").asText());
    assertEquals("metrics", exporter.path("livenessProbe").path("httpGet").path("port").asText());
    assertEquals("/-/ready", exporter.path("readinessProbe").path("httpGet").path("path").asText());
    assertEquals("metrics", exporter.path("readinessProbe").path("httpGet").path("port").asText());
  }

  /** Read-only everywhere but /tmp, a small in-memory emptyDir: Vert.x's file cache and the JVM need it. */
  @Test
  void everyMountOfTheExporterIsReadOnly() {
    List<String> writable = new ArrayList<>();
    for (JsonNode m : exporter.path("volumeMounts")) {
      if (!m.path("readOnly").asBoolean()) {
        writable.add(m.path("mountPath").asText());
      }
      assertFalse(m.has("subPath"), "subPath mounts never see ConfigMap updates: " + m);
    }
    assertEquals(List.of("/tmp"), writable);
    JsonNode tmp = volumeOf("/tmp");
    assertEquals("Memory", tmp.path("emptyDir").path("medium").asText());
    assertTrue(tmp.path("emptyDir").has("sizeLimit"), "a size limit on /tmp");
    assertTrue(exporter.path("volumeMounts").size() >= 3);
  }

  @Test
  void configMapConfigPrintedByCheckConfigLoadsBack(@TempDir Path tmp) {
    String printed = configMapConfig(tmp).assertPrintedConfigLoadsBack(Map.of());
    assertTrue(printed.contains("password_file: \"" + tmp.resolve("secret-")), printed); // the file, never its content
    assertFalse(printed.contains("not-a-real-secret"), printed);
  }

  @Test
  void configMapConfigLoadsAndPointsAtThePodsLoopback(@TempDir Path tmp) {
    ShippedConfig shipped = configMapConfig(tmp);
    ExporterConfig c = shipped.config();
    assertEquals(new ListenAddress("0.0.0.0", ExporterConfig.DEFAULT_PORT), c.listenAddress());
    URI metrics = c.section(SignerConfig.class).orElseThrow().metricsUrl().orElseThrow();
    URI info = c.section(SignerConfig.class).orElseThrow().infoUrl().orElseThrow();
    JsonNode signer = Yaml.named(podSpec.path("containers"), "name", "sbtc-signer").orElseThrow();
    for (URI u : List.of(metrics, info)) {
      assertEquals("127.0.0.1", u.getHost(), u.toString());
      assertTrue(Yaml.named(signer.path("ports"), "containerPort", String.valueOf(u.getPort())).isPresent(),
          u + ": the signer container declares no such port");
    }
    assertTrue(c.section(BitcoinConfig.class).orElseThrow().rpcPassword().isPresent());
    assertTrue(c.section(SignerDbConfig.class).orElseThrow().password().isPresent());
  }

  /** The config's --config path and secret files are what the pod mounts. */
  @Test
  void configAndSecretFilesAreMounted(@TempDir Path tmp) {
    List<String> args = Yaml.strings(exporter.path("args"));
    String configPath = args.get(args.indexOf("--config") + 1);
    JsonNode configVolume = volumeOf(parent(configPath));
    assertEquals("sbtc-signer-exporter-config", configVolume.path("configMap").path("name").asText());
    assertTrue(configMap().path("data").has(Path.of(configPath).getFileName().toString()), configPath);

    List<String> secrets = configMapConfig(tmp).secretFiles();
    assertEquals(3, secrets.size(), secrets.toString());
    for (String file : secrets) {
      JsonNode volume = volumeOf(parent(file));
      // The scratch server's verifier password comes from the Secret the scratch server reads it from too.
      String expected = file.contains("/scratch/") ? "sbtc-scratch-postgres" : "sbtc-signer-exporter";
      assertEquals(expected, volume.path("secret").path("secretName").asText(), file);
      String key = Path.of(file).getFileName().toString();
      assertTrue(Yaml.named(volume.path("secret").path("items"), "path", key).isPresent(), file + " is not an item of the Secret volume");
    }
  }

  @Test
  void podMonitorSelectsThePodAndTheExportersPort() {
    Map<String, String> podLabels = Yaml.stringMap(statefulSet.path("spec").path("template").path("metadata").path("labels"));
    Map<String, String> selector = Yaml.stringMap(podMonitor.path("spec").path("selector").path("matchLabels"));
    assertFalse(selector.isEmpty());
    selector.forEach((k, v) -> assertEquals(v, podLabels.get(k), "pod label " + k));
    assertTrue(podMonitor.path("spec").path("selector").path("matchExpressions").isMissingNode());
    String namespace = statefulSet.path("metadata").path("namespace").asText();
    assertEquals(List.of(namespace), Yaml.strings(podMonitor.path("spec").path("namespaceSelector").path("matchNames")));

    JsonNode endpoint = podMonitor.path("spec").path("podMetricsEndpoints").path(0);
    assertEquals(1, podMonitor.path("spec").path("podMetricsEndpoints").size());
    String port = endpoint.path("port").asText();
    List<String> declaredBy = new ArrayList<>();
    for (JsonNode c : podSpec.path("containers")) {
      if (Yaml.named(c.path("ports"), "name", port).isPresent()) {
        declaredBy.add(c.path("name").asText());
      }
    }
    assertEquals(List.of(EXPORTER), declaredBy, "containers with a port named " + port);
    assertEquals("/metrics", endpoint.path("path").asText());
  }

  /** The alert rules select job="sbtc-signer-exporter"; the operator's default job would be namespace/name. */
  @Test
  void podMonitorSetsTheJobTheRulesSelect() throws Exception {
    JsonNode endpoint = podMonitor.path("spec").path("podMetricsEndpoints").path(0);
    Optional<JsonNode> job = Yaml.named(endpoint.path("relabelings"), "targetLabel", "job");
    assertEquals(JOB, job.orElseThrow().path("replacement").asText());
    assertTrue(Files.readString(PrometheusRuleGenerator.RULES).contains("up{job=\"" + JOB + "\"}"));
  }

  @Test
  void headlessServiceSelectsThePodAndTheStatefulSetUsesIt() {
    JsonNode service = Yaml.resource(docs, "Service", statefulSet.path("spec").path("serviceName").asText());
    assertEquals("None", service.path("spec").path("clusterIP").asText());
    Map<String, String> podLabels = Yaml.stringMap(statefulSet.path("spec").path("template").path("metadata").path("labels"));
    Yaml.stringMap(service.path("spec").path("selector")).forEach((k, v) -> assertEquals(v, podLabels.get(k), k));
    Yaml.stringMap(statefulSet.path("spec").path("selector").path("matchLabels")).forEach((k, v) -> assertEquals(v, podLabels.get(k), k));
    assertEquals(1, statefulSet.path("spec").path("replicas").asInt(), "one signer key, one replica");
  }

  @Test
  void kustomizationListsEveryManifest() throws Exception {
    JsonNode k = Yaml.read(DIR.resolve("kustomization.yaml"));
    List<String> resources = Yaml.strings(k.path("resources"));
    List<String> manifests;
    try (var files = Files.list(DIR)) {
      manifests = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList();
    }
    assertEquals(manifests, resources.stream().sorted().toList());
  }

  private JsonNode configMap() {
    String name = volumeOf(parent(configPathArg())).path("configMap").path("name").asText();
    return Yaml.resource(docs, "ConfigMap", name);
  }

  private String configPathArg() {
    List<String> args = Yaml.strings(exporter.path("args"));
    return args.get(args.indexOf("--config") + 1);
  }

  private ShippedConfig configMapConfig(Path tmp) {
    String key = Path.of(configPathArg()).getFileName().toString();
    String yaml = configMap().path("data").path(key).asText();
    assertFalse(yaml.isBlank());
    return ShippedConfig.load("configmap:" + key, yaml, Map.of(), tmp);
  }

  /** The pod volume mounted at exactly {@code mountPath} in the exporter container. */
  private JsonNode volumeOf(String mountPath) {
    JsonNode mount = Yaml.named(exporter.path("volumeMounts"), "mountPath", mountPath)
        .orElseThrow(() -> new AssertionError("nothing is mounted at " + mountPath));
    return Yaml.named(podSpec.path("volumes"), "name", mount.path("name").asText())
        .orElseThrow(() -> new AssertionError("no volume " + mount.path("name").asText()));
  }

  private static String parent(String path) {
    return Path.of(path).getParent().toString();
  }
}
