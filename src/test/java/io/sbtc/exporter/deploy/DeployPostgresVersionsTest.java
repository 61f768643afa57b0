package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.backup.BackupVerifier;
import io.sbtc.exporter.source.backup.BackupVerifyConfig;
import io.sbtc.exporter.source.backup.VerifyOutcome;
import io.sbtc.exporter.testing.DebianPgServer;
import io.sbtc.exporter.testing.ExternalTool;
import io.sbtc.exporter.testing.PgTools;
import io.sbtc.exporter.testing.SignerPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restore verification where operators run: the image's pg_restore and psql, and the scratch
 * server of the Compose overlay and the Kubernetes example, are all of the signer's PostgreSQL major
 * version, which deploy/postgres-versions.env states once. No container engine runs here, so this
 * checks what the files say and runs what can run outside a container: the configs through
 * {@code --check-config}, and the scratch server's init script against a real server, followed by
 * a verification as the role it creates.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DeployPostgresVersionsTest {
  static final Path VERSIONS = Path.of("deploy/postgres-versions.env");
  static final Path DOCKERFILE = Path.of("Dockerfile");
  static final Path INIT_SCRIPT = Path.of("deploy/compose/scratch-postgres/10-sbtc-verifier.sh");
  static final String SCRATCH = "sbtc-scratch-postgres";

  final Compose compose = new Compose(ComposeDeployTest.DOT_ENV);
  final List<JsonNode> k8sScratch = Yaml.documents(KubernetesDeployTest.DIR.resolve("scratch-postgres.yaml"));
  final List<JsonNode> k8sSigner = Yaml.documents(KubernetesDeployTest.DIR.resolve("sbtc-signer.yaml"));

  static int signerMajor() throws IOException {
    Matcher m = Pattern.compile("(?m)^SIGNER_POSTGRES_MAJOR=(\\d+)$").matcher(Files.readString(VERSIONS));
    assertTrue(m.find(), VERSIONS + " has no SIGNER_POSTGRES_MAJOR=<n>");
    return Integer.parseInt(m.group(1));
  }

  /** The one ARG the Dockerfile installs postgresql-client-${POSTGRES_MAJOR} and checks the programs with. */
  static int imageClientMajor() throws IOException {
    String dockerfile = Files.readString(DOCKERFILE);
    List<String> args = Pattern.compile("(?m)^ARG POSTGRES_MAJOR=(\\d+)$").matcher(dockerfile).results().map(r -> r.group(1)).toList();
    assertEquals(1, args.size(), "ARG POSTGRES_MAJOR=<n> in the Dockerfile: " + args);
    assertTrue(dockerfile.contains("\"postgresql-client-${POSTGRES_MAJOR}\""), "the Dockerfile installs another client than POSTGRES_MAJOR");
    return Integer.parseInt(args.get(0));
  }

  static int imageMajor(String image) {
    Matcher m = Pattern.compile("postgres:(\\d+)(?:\\.\\d+)?-bookworm(?:@sha256:[0-9a-f]{64})?").matcher(image);
    assertTrue(m.matches(), "not a postgres:<major>-bookworm image: " + image);
    return Integer.parseInt(m.group(1));
  }

  String composeScratchImage() {
    return compose.service(SCRATCH).path("image").asText();
  }

  String k8sScratchImage() {
    JsonNode pod = Yaml.resource(k8sScratch, "Deployment", SCRATCH).path("spec").path("template").path("spec");
    return Yaml.named(pod.path("containers"), "name", "postgres").orElseThrow().path("image").asText();
  }

  ShippedConfig composeConfig(Path tmp) throws IOException {
    Files.createDirectories(tmp);
    Map<String, String> env = new java.util.LinkedHashMap<>();
    compose.service(ComposeDeployTest.EXPORTER).path("environment").fields()
        .forEachRemaining(e -> env.put(e.getKey(), compose.interpolate(e.getValue().asText())));
    return ShippedConfig.load("exporter-config.yml", Files.readString(ComposeDeployTest.EXPORTER_CONFIG), env, tmp);
  }

  ShippedConfig k8sConfig(Path tmp) throws IOException {
    Files.createDirectories(tmp);
    String yaml = Yaml.resource(k8sSigner, "ConfigMap", "sbtc-signer-exporter-config").path("data").path("config.yml").asText();
    return ShippedConfig.load("configmap:config.yml", yaml, Map.of(), tmp);
  }

  /** The rule: pg_restore's major version at least pg_dump's (the signer's server), the scratch server the signer's. */
  @Test
  void theImagesClientToolsCanReadTheSignersDumpsAndTheScratchServersAreTheSignersVersion() throws IOException {
    int signer = signerMajor();
    assertTrue(imageClientMajor() >= signer, "the image's pg_restore " + imageClientMajor() + " cannot read pg_dump " + signer + " archives");
    assertEquals(signer, imageMajor(composeScratchImage()), "the Compose scratch server");
    assertEquals(signer, imageMajor(k8sScratchImage()), "the Kubernetes scratch server");
  }

  /** Both shipped configs verify their backups by default, with the programs the image installs, on their scratch server. */
  @Test
  void bothShippedConfigsVerifyWithTheImagesProgramsOnTheirScratchServer(@TempDir Path tmp) throws IOException {
    String bin = "/usr/lib/postgresql/" + imageClientMajor() + "/bin/";
    for (ShippedConfig shipped : List.of(composeConfig(tmp.resolve("compose")), k8sConfig(tmp.resolve("k8s")))) {
      BackupVerifyConfig verify = shipped.config().sections(BackupConfig.class).get(0).verify().orElseThrow(() -> new AssertionError("no verify section"));
      assertEquals(bin + "pg_restore", verify.pgRestore());
      assertEquals(bin + "psql", verify.psql());
      assertEquals(SCRATCH, verify.scratchUrl().host());
      assertEquals("sbtc_verifier", verify.scratchUrl().user());
      assertTrue(verify.password().isPresent());
    }
    assertEquals(5432, composeConfig(tmp.resolve("c2")).config().sections(BackupConfig.class).get(0).verify().orElseThrow().scratchUrl().port());
    JsonNode service = Yaml.resource(k8sScratch, "Service", SCRATCH);
    assertEquals(5432, service.path("spec").path("ports").path(0).path("port").asInt());
  }

  @Test
  void theComposeAndKubernetesConfigsPassCheckConfig(@TempDir Path tmp) throws IOException {
    Map<String, ShippedConfig> configs = Map.of("compose", composeConfig(tmp.resolve("compose")), "k8s", k8sConfig(tmp.resolve("k8s")));
    Map<String, String> composeEnv = new java.util.LinkedHashMap<>();
    compose.service(ComposeDeployTest.EXPORTER).path("environment").fields()
        .forEachRemaining(e -> composeEnv.put(e.getKey(), compose.interpolate(e.getValue().asText())));
    for (var e : configs.entrySet()) {
      Path file = Files.writeString(tmp.resolve(e.getKey() + ".yml"), e.getValue().loadableYaml());
      List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), "io.sbtc.exporter.Main", "--config", file.toString(), "--check-config");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      if (e.getKey().equals("compose")) {
        pb.environment().putAll(composeEnv);
      }
      Process p = pb.start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes());
      try {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "--check-config did not finish");
      } catch (InterruptedException ex) {
        throw new AssertionError(ex);
      }
      assertEquals(0, p.exitValue(), e.getKey() + ": " + output);
      assertTrue(output.contains(SCRATCH), e.getKey() + ": the printed config has no scratch server: " + output);
    }
  }

  @Test
  void kubernetesRunsTheSameInitScriptAsCompose() throws IOException {
    JsonNode init = Yaml.resource(k8sScratch, "ConfigMap", "sbtc-scratch-postgres-init");
    assertEquals(Files.readString(INIT_SCRIPT), init.path("data").path(INIT_SCRIPT.getFileName().toString()).asText());
    assertTrue(Files.isExecutable(INIT_SCRIPT), "the entrypoint sources (not runs) a script that is not executable");
    assertEquals("/docker-entrypoint-initdb.d",
        compose.mounts(SCRATCH).stream().filter(m -> m.source().endsWith("deploy/compose/scratch-postgres")).findFirst().orElseThrow().target());
  }

  /**
   * The Dockerfile trusts the PGDG repository's key only with its published fingerprint; Debian's
   * postgresql-common ships the same key, so the fingerprint can be checked here without a network.
   */
  @Test
  void theDockerfilesPgdgFingerprintIsTheKeyDebianShips(@TempDir Path gnupgHome) throws IOException {
    Path gpg = ExternalTool.require("gpg");
    Path key = Path.of("/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc");
    DebianPgServer.requireBinaries(); // postgresql-common comes with Debian's server, which .ci/run installs
    assertTrue(Files.isRegularFile(key), key + " (postgresql-common)");
    Matcher m = Pattern.compile("(?m)^ARG PGDG_KEY_FINGERPRINT=([0-9A-F]{40})$").matcher(Files.readString(DOCKERFILE));
    assertTrue(m.find(), "no ARG PGDG_KEY_FINGERPRINT in the Dockerfile");
    ProcessBuilder pb = new ProcessBuilder(gpg.toString(), "--batch", "--with-colons", "--show-keys", key.toString()).redirectErrorStream(true);
    pb.environment().put("GNUPGHOME", gnupgHome.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(out.lines().anyMatch(l -> l.equals("fpr:::::::::" + m.group(1) + ":")), out);
    assertTrue(Files.readString(DOCKERFILE).contains("grep -q \"^fpr:::::::::${PGDG_KEY_FINGERPRINT}:\""), "the Dockerfile checks the key");
  }

  /**
   * The init script, run against Debian's server as the postgres image's entrypoint runs it, makes a
   * verifier role that the exporter accepts (not too privileged) and that restores a real backup
   * with the Compose config's verify settings (host, port and programs swapped for this machine's).
   */
  @Test
  void theScratchInitScriptMakesARoleThatVerifiesARealBackup(@TempDir Path tmp) throws Exception {
    PgTools.requireAll("pg_dump", "pg_restore", "psql");
    try (SignerPostgres source = SignerPostgres.start(tmp.resolve("source")); DebianPgServer scratch = DebianPgServer.start()) {
      Path password = Files.writeString(tmp.resolve("scratch-verifier.password"), SignerPostgres.VERIFIER_PASSWORD + "\n");
      ProcessBuilder pb = new ProcessBuilder(INIT_SCRIPT.toAbsolutePath().toString()).redirectErrorStream(true);
      pb.environment().putAll(Map.of("POSTGRES_USER", "postgres", "POSTGRES_DB", "postgres", "PGHOST", "127.0.0.1",
          "PGPORT", Integer.toString(scratch.port()), "SBTC_VERIFIER_PASSWORD_FILE", password.toString()));
      ExternalTool.Result r = run(pb);
      assertEquals(0, r.exitCode(), r.output());
      assertTrue(!r.output().contains(SignerPostgres.VERIFIER_PASSWORD), "the password is not echoed: " + r.output());

      Path backups = Files.createDirectory(tmp.resolve("backups"));
      source.dump(SignerPostgres.SIGNER_DB, "c", backups.resolve("signer-20260722T030000Z.dump"));
      JsonNode verify = Yaml.parse(Files.readString(ComposeDeployTest.EXPORTER_CONFIG)).path("backups").path(0).path("verify");
      String url = verify.path("scratch_url").asText().replace(SCRATCH + ":5432", "127.0.0.1:" + scratch.port());
      String yaml = """
          backups:
            - name: signer-db
              path: "%s"
              pattern: "signer-*.dump"
              verify:
                scratch_url: "%s"
                password_file: "%s"
                timeout: %s
                pg_restore: "%s"
                psql: "%s"
                settle_time: 100ms
          """.formatted(backups, url, password, verify.path("timeout").asText(), PgTools.require("pg_restore"), PgTools.require("psql"));
      ExporterConfig config = ConfigLoader.parse("compose-verify.yml", yaml, System::getenv);
      VerifyOutcome outcome = new BackupVerifier(config.sections(BackupConfig.class).get(0), Optional.empty(), tmp, Clock.systemUTC()).run();
      assertEquals(Optional.empty(), outcome.failure(), outcome.message());
      assertEquals(List.of(), scratch.databases("sbtc_verify_"));
    }
  }

  private static ExternalTool.Result run(ProcessBuilder pb) throws IOException, InterruptedException {
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new ExternalTool.Result(p.exitValue(), out);
  }

}
