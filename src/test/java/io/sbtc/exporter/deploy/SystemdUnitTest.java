package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hardened unit file passes systemd's own checker and keeps its hardening. */
class SystemdUnitTest {
  static final Path UNIT = Path.of("deploy/systemd/sbtc-signer-exporter.service");

  @Test
  void unitIsHardened() throws Exception {
    String unit = Files.readString(UNIT);
    for (String line : new String[] {"NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
        "CapabilityBoundingSet=\n", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID", "User=sbtc-exporter"}) {
      assertTrue(unit.contains(line), "missing " + line.strip());
    }
    assertTrue(unit.contains("ReadOnlyPaths="));
  }

  /**
   * The unit runs the launcher, so it gets the options every deployment gets, among them an
   * OutOfMemoryError that ends the process: Restart=on-failure cannot help a process that lives on
   * with a dead event loop.
   */
  @Test
  void unitRunsTheLauncherWhichEndsTheJvmOnOutOfMemory() throws Exception {
    String execStart = Files.readString(UNIT).lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    assertTrue(execStart.startsWith("ExecStart=/opt/sbtc-signer-exporter/bin/sbtc-signer-exporter "), execStart);
    java.util.List<String> flags = io.sbtc.exporter.testing.ExporterProcess.shippedJvmOptions();
    assertTrue(flags.contains("-XX:+ExitOnOutOfMemoryError"), flags.toString());
  }

  @Test
  void systemdAnalyzeVerifyAcceptsTheUnit(@TempDir Path dir) throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    boolean ci = "true".equals(System.getenv("CI"));
    if (!Files.isExecutable(analyze)) {
      if (ci) {
        throw new AssertionError("systemd-analyze is missing; .ci/run installs the systemd package");
      }
      assumeTrue(false, "systemd-analyze not installed");
    }
    // verify needs the unit's binaries to exist; point ExecStart at ones that do on any machine.
    String unit = Files.readString(UNIT).replace(OneLauncherTest.LAUNCHER, "/bin/true").replace("/bin/kill", "/bin/true");
    Path copy = dir.resolve("sbtc-signer-exporter.service");
    Files.writeString(copy, unit);
    Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    // Without a running systemd (containers, CI) verify still checks syntax; only our file's lines count.
    String ours = out.lines().filter(l -> l.contains(copy.getFileName().toString())).reduce("", (a, b) -> a + b + "\n");
    assertEquals("", ours, out);
  }
}
