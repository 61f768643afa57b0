package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every deployment starts the exporter through bin/sbtc-signer-exporter, and the JVM options live
 * there alone: a second copy (in the Dockerfile, the unit, a manifest, the README) would drift from
 * the one that was measured.
 */
class OneLauncherTest {
  static final String LAUNCHER = "/opt/sbtc-signer-exporter/bin/sbtc-signer-exporter";

  /** A JVM option or a variable that carries them; JAVA_OPTS is the documented way to add one. */
  static final Pattern JVM_OPTION = Pattern.compile(
      "(?<![\\w-])(-X(?:mx|ms|mn|ss)\\d+[kKmMgG]?|-XX:[+-]?[A-Za-z]\\w*|-Xshare:\\w+|-Xlog:\\S*|-Xint|-Dio\\.netty\\.\\S+"
          + "|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS|MALLOC_ARENA_MAX)");
  /** java starting a jar or a class path: the exporter run around the launcher. */
  static final Pattern JAVA_COMMAND = Pattern.compile("(?<![\\w/.-])java\\s+(?:\\S+\\s+)*?-(?:jar|cp|classpath)\\s");

  /** The files that say how to run the exporter. docs/benchmarks.md is left out: it records the options' measurements. */
  static List<Path> deployFilesAndDocs() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("Dockerfile"), Path.of("README.md"), Path.of("pom.xml")));
    for (String dir : List.of("deploy", "docs", "examples", "bench", "scripts", ".ci", "src/assembly")) {
      try (Stream<Path> walk = Files.walk(Path.of(dir))) {
        walk.filter(Files::isRegularFile).filter(p -> !p.equals(Path.of("docs/benchmarks.md")))
            .filter(p -> !p.toString().endsWith(".png")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /**
   * The lines of {@code text} that carry a JVM option, except documented overrides (a line that sets
   * JAVA_OPTS) and, in bench/, the JVMs of the benchmark's own tools.
   */
  static List<String> jvmOptionLines(Path file, String text) {
    List<String> found = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher m = JVM_OPTION.matcher(line);
      boolean override = line.contains("JAVA_OPTS");
      boolean benchTool = file.startsWith("bench") && line.startsWith("TOOL_JVM=(java ");
      if (m.find() && !override && !benchTool) {
        found.add(file + ":" + (i + 1) + ": " + line.strip());
      }
    }
    return found;
  }

  @Test
  void jvmOptionsAppearOnlyInTheLauncher() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : deployFilesAndDocs()) {
      found.addAll(jvmOptionLines(file, Files.readString(file)));
    }
    assertEquals(List.of(), found);
    assertTrue(JVM_OPTION.matcher(Files.readString(Path.of("bin/sbtc-signer-exporter"))).find(), "the launcher holds them");
  }

  /** The check above must see the copies the project used to have. */
  @Test
  void theCheckFindsACopyOfTheOptions() {
    Map<String, String> copies = Map.of(
        "Dockerfile", "ENV JAVA_TOOL_OPTIONS=\"-XX:+UseSerialGC -Xms32m\"",
        "deploy/systemd/sbtc-signer-exporter.service", "ExecStart=/usr/bin/java -Xmx96m -jar /opt/x.jar",
        "deploy/kubernetes/sbtc-signer.yaml", "            - -XX:TieredStopAtLevel=1",
        "bench/run.sh", "java -Dio.netty.allocator.type=pooled -jar \"$JAR\"",
        "README.md", "MALLOC_ARENA_MAX=2 java -jar target/sbtc-signer-exporter.jar");
    copies.forEach((file, line) -> assertEquals(1, jvmOptionLines(Path.of(file), line).size(), file + ": " + line));
    assertEquals(List.of(), jvmOptionLines(Path.of("README.md"), "JAVA_OPTS=-Xmx256m bin/sbtc-signer-exporter --demo"));
    assertEquals(List.of(), jvmOptionLines(Path.of("README.md"), "and -XX-like words or node_exporter's --web.max-requests"));
  }

  @Test
  void noDocumentedCommandRunsJavaAroundTheLauncher() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path file : deployFilesAndDocs()) {
      if (file.startsWith("bench") || file.startsWith("scripts")) {
        continue; // tools that run Java programs of their own (the benchmark's, the fuzzer); bench/run.sh is checked below
      }
      String[] lines = Files.readString(file).split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (JAVA_COMMAND.matcher(lines[i] + " ").find()) {
          found.add(file + ":" + (i + 1) + ": " + lines[i].strip());
        }
      }
    }
    assertEquals(List.of(), found);
    assertTrue(JAVA_COMMAND.matcher("runuser -u x -- java -jar /opt/x.jar --check-config ").find());
  }

  @Test
  void theReadmeQuickStartRunsTheLauncher() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    assertTrue(readme.contains("mvn -B -q package -DskipTests && bin/sbtc-signer-exporter --demo"), "quick start");
    assertTrue(readme.contains("bin/sbtc-signer-exporter --config examples/config.yml"), "run against a signer");
  }

  @Test
  void theImageRunsTheLauncherAsItsEntrypoint() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertTrue(dockerfile.contains("COPY bin/sbtc-signer-exporter " + LAUNCHER + "\n"), "the image has the launcher");
    assertTrue(dockerfile.contains("\nENTRYPOINT [\"" + LAUNCHER + "\"]\n"), "and runs it");
    assertTrue(dockerfile.contains(LAUNCHER + " --write-cds-archive"), "with an archive written by the image's Java");
  }

  @Test
  void theSystemdUnitRunsTheLauncher() throws IOException {
    String execStart = Files.readString(SystemdUnitTest.UNIT).lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    assertEquals("ExecStart=" + LAUNCHER + " \\", execStart);
  }

  /** Compose and Kubernetes run the image's entrypoint, the launcher: they pass arguments, never a command of their own. */
  @Test
  void composeAndKubernetesKeepTheImagesEntrypoint() {
    JsonNode service = new Compose(ComposeDeployTest.DOT_ENV).service(ComposeDeployTest.EXPORTER);
    assertFalse(service.has("entrypoint"), "compose overrides the entrypoint");
    assertTrue(service.path("command").path(0).asText().startsWith("--"), "compose passes flags: " + service.path("command"));
    JsonNode container = new KubernetesDeployTest().exporter;
    assertFalse(container.has("command"), "kubernetes overrides the entrypoint");
    assertTrue(container.path("args").path(0).asText().startsWith("--"), "kubernetes passes flags: " + container.path("args"));
  }

  @Test
  void theTarballShipsTheLauncherExecutableNextToTheJar() throws IOException {
    String dist = Files.readString(Path.of("src/assembly/dist.xml"));
    assertTrue(dist.contains("<file><source>bin/sbtc-signer-exporter</source><outputDirectory>bin</outputDirectory><fileMode>0755</fileMode></file>"),
        "bin/sbtc-signer-exporter, mode 0755");
    assertTrue(dist.contains("<file><source>target/sbtc-signer-exporter.jar</source></file>"), "the jar at the top");
  }

  @Test
  void theBenchmarksStartTheExporterThroughTheLauncher() throws IOException {
    String lib = Files.readString(Path.of("bench/lib.sh"));
    assertTrue(lib.contains("EXPORTER_CMD=(\"$ROOT/bin/sbtc-signer-exporter\")"), "bench/lib.sh: the benchmarks measure what users run");
    for (String script : List.of("bench/run.sh", "bench/footprint.sh")) {
      String text = Files.readString(Path.of(script));
      assertTrue(text.contains(". \"$ROOT/bench/lib.sh\""), script + " uses bench/lib.sh");
      assertFalse(text.contains("-jar \"$JAR\""), script + " starts the jar directly");
    }
  }
}
