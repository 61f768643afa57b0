package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.bitcoin.BitcoinConfig;
import io.sbtc.exporter.source.logs.LogConfig;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import io.sbtc.exporter.source.signer.SignerConfig;
import io.sbtc.exporter.source.stacks.StacksConfig;
import io.sbtc.exporter.testing.ExternalTool.Result;
import io.sbtc.exporter.testing.ExternalTool;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Compose override, its exporter config and its Prometheus config: hardened, read-only, loadable
 * by the real config loader and promtool, and wired to each other through service names and mounts.
 * No container engine runs here, so this checks the files, not a running stack.
 */
class ComposeDeployTest {
  static final String EXPORTER = "sbtc-signer-exporter";
  static final Path EXPORTER_CONFIG = Path.of("deploy/compose/exporter-config.yml");
  static final Path HOME = Path.of("").toAbsolutePath();

  /** A stack's .env as docker/mainnet/README.md asks for it, plus this repository's location. */
  static final Map<String, String> DOT_ENV = Map.of(
      Compose.HOME_VAR, HOME.toString(),
      "BITCOIN_RPC_HOST", "bitcoin",
      "BITCOIN_RPC_USERNAME", "signer",
      "BITCOIN_RPC_PASSWORD", "rpc-password-from-dot-env",
      "STACKS_RPC_HOST", "stacks-core",
      "POSTGRES_PASSWORD", "superuser-password",
      "STACKS_CORE_CONTAINER_ID", "4f2a9c0e7b1d");

  final Compose compose = new Compose(DOT_ENV);

  /** The exporter container's environment, as Compose fills it from the .env. */
  Map<String, String> exporterEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    compose.service(EXPORTER).path("environment").fields()
        .forEachRemaining(e -> env.put(e.getKey(), compose.interpolate(e.getValue().asText())));
    return env;
  }

  ShippedConfig exporterConfig(Path tmp) throws IOException {
    return ShippedConfig.load(EXPORTER_CONFIG.toString(), Files.readString(EXPORTER_CONFIG), exporterEnv(), tmp);
  }

  @Test
  void exporterConfigPrintedByCheckConfigLoadsBack(@TempDir Path tmp) throws IOException {
    String printed = exporterConfig(tmp).assertPrintedConfigLoadsBack(exporterEnv());
    assertFalse(printed.contains("rpc-password-from-dot-env"), printed);
    assertTrue(printed.contains("rpc_password: \"${BITCOIN_RPC_PASSWORD}\""), printed);
  }

  @Test
  void exporterServiceIsHardened() {
    JsonNode s = compose.service(EXPORTER);
    assertEquals("sbtc-signer-exporter:latest", s.path("image").asText());
    assertEquals("10184:10184", s.path("user").asText());
    assertTrue(s.path("read_only").asBoolean(), "read_only");
    assertEquals(List.of("ALL"), Yaml.strings(s.path("cap_drop")));
    assertTrue(Yaml.strings(s.path("security_opt")).contains("no-new-privileges:true"), "no-new-privileges");
    assertFalse(s.has("privileged") || s.has("cap_add") || s.has("network_mode") || s.has("pid"), s.toString());
    // The one writable place: a small tmpfs on /tmp (Vert.x's file cache and the JVM need it).
    List<String> tmpfs = Yaml.strings(s.path("tmpfs"));
    assertEquals(1, tmpfs.size(), tmpfs.toString());
    assertTrue(tmpfs.get(0).startsWith("/tmp:size="), tmpfs.toString());
    assertTrue(tmpfs.get(0).contains("noexec") && tmpfs.get(0).contains("nosuid"), tmpfs.toString());
    assertTrue(s.has("mem_limit") && s.has("pids_limit"), "resource limits");
  }

  @Test
  void everyMountOfTheExporterIsReadOnly() {
    List<Compose.Mount> mounts = compose.mounts(EXPORTER);
    assertFalse(mounts.isEmpty());
    for (Compose.Mount m : mounts) {
      assertTrue(m.readOnly(), "not read-only: " + m);
      assertFalse(m.namedVolume(), "a named volume is state the exporter does not keep: " + m);
    }
    Set<String> targets = mounts.stream().map(Compose.Mount::target).collect(Collectors.toSet());
    assertTrue(targets.containsAll(Set.of("/backups", "/logs/bitcoind", "/var/lib/docker/containers")), targets.toString());
    assertEquals("/var/lib/docker/containers", compose.hostPath(EXPORTER, "/var/lib/docker/containers").orElseThrow().toString());
  }

  @Test
  void everyPublishedPortIsOnLoopback() {
    List<String> ports = new ArrayList<>();
    compose.root.path("services").fields().forEachRemaining(s -> s.getValue().path("ports").forEach(p -> ports.add(s.getKey() + " " + p.asText())));
    assertTrue(ports.contains(EXPORTER + " 127.0.0.1:10184:10184"), ports.toString());
    assertEquals(List.of(), ports.stream().filter(p -> !p.split(" ")[1].startsWith("127.0.0.1:")).toList());
  }

  /** Relative paths resolve against docker/mainnet, so every path into this repository starts with the variable. */
  @Test
  void pathsIntoThisRepositoryGoThroughSbtcExporterHomeAndExist() {
    int checked = 0;
    for (String service : serviceNames()) {
      for (Compose.Mount m : compose.mounts(service)) {
        assertFalse(m.source().startsWith("."), service + ": a relative path would resolve in docker/mainnet: " + m);
        if (m.rawSource().contains(Compose.HOME_VAR)) {
          assertTrue(m.rawSource().startsWith("${" + Compose.HOME_VAR + ":?"), service + ": fail loudly when unset: " + m.rawSource());
          assertTrue(Files.exists(Path.of(m.source())), service + ": no such path in this repository: " + m.source());
          checked++;
        }
      }
    }
    assertTrue(checked >= 6, "mounts into this repository: " + checked);
  }

  @Test
  void composeStopsWhenSbtcExporterHomeIsUnset() {
    Map<String, String> env = new LinkedHashMap<>(DOT_ENV);
    env.remove(Compose.HOME_VAR);
    AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> new Compose(env).mounts(EXPORTER));
    assertTrue(e.getMessage().contains("set SBTC_EXPORTER_HOME, see docs/deploy.md"), e.getMessage());
  }

  @Test
  void exporterConfigLoadsWithTheStacksEnvironment(@TempDir Path tmp) throws IOException {
    ExporterConfig c = exporterConfig(tmp).config();
    assertEquals(URI.create("http://sbtc-signer:9184/metrics"), c.section(SignerConfig.class).orElseThrow().metricsUrl().orElseThrow());
    assertEquals(URI.create("http://sbtc-signer:8801/info"), c.section(SignerConfig.class).orElseThrow().infoUrl().orElseThrow());
    assertEquals(URI.create("http://bitcoin:8332"), c.section(BitcoinConfig.class).orElseThrow().rpcUrl());
    assertEquals("rpc-password-from-dot-env", c.section(BitcoinConfig.class).orElseThrow().rpcPassword().orElseThrow().reveal());
    assertEquals(URI.create("http://stacks-core:20443"), c.section(StacksConfig.class).orElseThrow().rpcUrl());
    assertEquals("postgres", c.section(SignerDbConfig.class).orElseThrow().url().host());
    assertEquals("signer", c.section(SignerDbConfig.class).orElseThrow().url().database());
    assertEquals("sbtc_exporter", c.section(SignerDbConfig.class).orElseThrow().url().user());
    assertTrue(c.section(SignerDbConfig.class).orElseThrow().password().isPresent());
    assertEquals(Path.of("/backups"), c.sections(BackupConfig.class).get(0).path());
    assertEquals(List.of("bitcoind", "stacks-node"), c.sections(LogConfig.class).stream().map(LogConfig::component).toList());
    assertEquals(Path.of("/var/lib/docker/containers/4f2a9c0e7b1d"), ((LogConfig.Files) c.sections(LogConfig.class).get(1)).path());
    assertEquals(new io.sbtc.exporter.config.ListenAddress("0.0.0.0", 10184), c.listenAddress());
  }

  @Test
  void everyVariableTheExporterConfigUsesIsPassedToTheContainer() throws IOException {
    String config = Files.readString(EXPORTER_CONFIG).lines().filter(l -> !l.strip().startsWith("#")).collect(Collectors.joining("\n"));
    Set<String> used = new TreeSet<>(Compose.references(config));
    assertTrue(used.contains("BITCOIN_RPC_PASSWORD"), used.toString());
    Set<String> missing = new TreeSet<>(used);
    missing.removeAll(exporterEnv().keySet());
    assertEquals(Set.of(), missing);
  }

  @Test
  void everyPathTheExporterConfigReadsIsMounted(@TempDir Path tmp) throws IOException {
    ShippedConfig c = exporterConfig(tmp);
    Map<String, String> secrets = compose.secretTargets(EXPORTER);
    assertEquals(List.of("/run/secrets/signer_db_password", "/run/secrets/scratch_verifier_password"), c.secretFiles());
    for (String secret : c.secretFiles()) {
      assertTrue(secrets.containsKey(secret), secret + " is not one of the service's secrets " + secrets.keySet());
      assertTrue(compose.root.path("secrets").path(secrets.get(secret)).path("file").isTextual(), "a file secret: " + secret);
    }
    for (String path : c.pathsRead()) {
      boolean mounted = secrets.containsKey(path) || compose.hostPath(EXPORTER, path).isPresent();
      assertTrue(mounted, path + " is read by the exporter but not mounted into its container");
    }
    // And the config itself is the one in this repository.
    List<String> command = Yaml.strings(compose.service(EXPORTER).path("command"));
    String configPath = command.get(command.indexOf("--config") + 1);
    assertEquals(HOME.resolve(EXPORTER_CONFIG), compose.hostPath(EXPORTER, configPath).orElseThrow());
  }

  @Test
  void prometheusConfigPassesPromtoolAndScrapesTheExporter(@TempDir Path tmp) throws IOException {
    Path promtool = ExternalTool.require("promtool");
    String configFlag = flag(compose.service("prometheus"), "--config.file");
    Path config = compose.hostPath("prometheus", configFlag).orElseThrow();
    assertEquals(HOME.resolve("deploy/compose/prometheus/prometheus.yml"), config);
    JsonNode prometheus = Yaml.read(config);
    String rulesGlob = prometheus.path("rule_files").path(0).asText();
    assertEquals("/etc/prometheus/rules/*.rules.yml", rulesGlob);
    Path rulesDir = compose.hostPath("prometheus", "/etc/prometheus/rules").orElseThrow();
    assertEquals(HOME.resolve("alerts"), rulesDir);

    Path copy = tmp.resolve("prometheus.yml");
    Files.writeString(copy, Files.readString(config).replace("/etc/prometheus/rules/", rulesDir + "/"));
    Result r = ExternalTool.run(List.of(promtool.toString(), "check", "config", copy.toString()), Duration.ofSeconds(30));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("sbtc-signer.rules.yml"), "the rules were checked too: " + r.output());

    JsonNode job = Yaml.named(prometheus.path("scrape_configs"), "job_name", EXPORTER).orElseThrow();
    assertEquals(List.of(EXPORTER + ":10184"), Yaml.strings(job.path("static_configs").path(0).path("targets")));
    String alertmanager = prometheus.path("alerting").path("alertmanagers").path(0).path("static_configs").path(0).path("targets").path(0).asText();
    assertEquals("alertmanager:9093", alertmanager);
    assertTrue(serviceNames().contains("alertmanager"));
  }

  @Test
  void alertmanagerGetsItsConfigAndTheSecretFilesItNames() {
    JsonNode am = compose.service("alertmanager");
    Path config = compose.hostPath("alertmanager", flag(am, "--config.file")).orElseThrow();
    assertEquals(HOME.resolve("examples/alertmanager.yml"), config);
    List<String> files = new ArrayList<>();
    Yaml.fields(Yaml.read(config), (parent, key) -> {
      if (key.endsWith("_file")) {
        files.add(parent.get(key).asText());
      }
    });
    assertFalse(files.isEmpty());
    assertEquals(new TreeSet<>(files), new TreeSet<>(compose.secretTargets("alertmanager").keySet()));
  }

  @Test
  void grafanaIsProvisionedWithThePrometheusOfTheStackAndTheDashboards() throws IOException {
    Path provisioning = compose.hostPath("grafana", "/etc/grafana/provisioning").orElseThrow();
    assertEquals(HOME.resolve("grafana/provisioning"), provisioning);
    JsonNode datasource = Yaml.read(provisioning.resolve("datasources/prometheus.yml")).path("datasources").path(0);
    URI url = URI.create(datasource.path("url").asText());
    assertTrue(serviceNames().contains(url.getHost()), url.toString());
    assertEquals("127.0.0.1:" + url.getPort() + ":" + url.getPort(), compose.service(url.getHost()).path("ports").path(0).asText());
    String dashboards = Yaml.read(provisioning.resolve("dashboards/sbtc-signer.yml")).path("providers").path(0).path("options").path("path").asText();
    Path dir = compose.hostPath("grafana", dashboards).orElseThrow();
    assertEquals(HOME.resolve("grafana/dashboards"), dir);
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".json")));
    }
    assertEquals("/run/secrets/grafana_admin_password", compose.service("grafana").path("environment").path("GF_SECURITY_ADMIN_PASSWORD__FILE").asText());
    assertTrue(compose.secretTargets("grafana").containsKey("/run/secrets/grafana_admin_password"));
  }

  @Test
  void everySecretAServiceUsesIsDeclaredAsAFile() {
    for (String service : serviceNames()) {
      for (String source : compose.secretTargets(service).values()) {
        String file = compose.root.path("secrets").path(source).path("file").asText("");
        assertTrue(compose.interpolate(file).startsWith("./exporter-secrets/"), service + ": secret " + source + " -> " + file);
      }
    }
  }

  private List<String> serviceNames() {
    List<String> names = new ArrayList<>();
    compose.root.path("services").fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static String flag(JsonNode service, String name) {
    return Yaml.strings(service.path("command")).stream().filter(a -> a.startsWith(name + "="))
        .map(a -> a.substring(name.length() + 1)).findFirst().orElseThrow(() -> new AssertionError("no " + name));
  }
}
