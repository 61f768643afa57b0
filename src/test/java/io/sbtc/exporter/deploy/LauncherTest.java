package io.sbtc.exporter.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.testing.Launcher;
import io.sbtc.exporter.testing.Launcher.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/sbtc-signer-exporter, run with a stand-in java that reports how it was called: where it finds
 * the jar, which java it runs, how JAVA_OPTS and the class data archive join the command line, and
 * that it execs java (so systemd's MainPID, the container's PID 1 and their signals are the JVM's).
 */
class LauncherTest {
  @TempDir Path tmp;
  Path home;
  Path javaHome;
  Map<String, String> withJava;

  @BeforeEach
  void setUp() throws Exception {
    home = tmp.resolve("sbtc-signer-exporter-1.0");
    javaHome = Launcher.fakeJavaHome(tmp.resolve("jre"));
    withJava = Map.of("JAVA_HOME", javaHome.toString());
  }

  private Path tarballLayout() throws Exception {
    return Launcher.install(home);
  }

  @Test
  void findsTheJarNextToItsDirectoryAsInTheTarballAndTheImage() throws Exception {
    Run run = Launcher.run(tarballLayout(), tmp, withJava, "--demo");
    assertEquals(0, run.exitCode(), run.stderr());
    List<String> args = run.args();
    int jar = args.indexOf("-jar");
    assertEquals(home.toRealPath().resolve("sbtc-signer-exporter.jar").toString(), args.get(jar + 1));
    assertEquals(List.of("--demo"), run.programArgs());
  }

  @Test
  void findsTheJarInTargetInASourceCheckout() throws Exception {
    Path launcher = tarballLayout();
    Files.delete(home.resolve("sbtc-signer-exporter.jar"));
    Files.createDirectories(home.resolve("target"));
    Files.writeString(home.resolve("target/sbtc-signer-exporter.jar"), "");
    Run run = Launcher.run(launcher, tmp, withJava, "--version");
    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.args().contains(home.toRealPath().resolve("target/sbtc-signer-exporter.jar").toString()), run.args().toString());
  }

  @Test
  void withoutAJarItSaysWhereItLookedAndHowToBuildOne() throws Exception {
    Path launcher = tarballLayout();
    Files.delete(home.resolve("sbtc-signer-exporter.jar"));
    Run run = Launcher.run(launcher, tmp, withJava, "--demo");
    assertEquals(1, run.exitCode());
    assertEquals(-1, run.javaPid(), "java must not run");
    String real = home.toRealPath().toString();
    assertTrue(run.stderr().contains(real + " or " + real + "/target"), run.stderr());
    assertTrue(run.stderr().contains("mvn -B -q package -DskipTests"), run.stderr());
  }

  /** A link in /usr/local/bin still finds the jar next to the real bin directory. */
  @Test
  void followsASymlinkToItself() throws Exception {
    Path launcher = tarballLayout();
    Path link = Files.createDirectories(tmp.resolve("usr/local/bin")).resolve("sbtc-signer-exporter");
    Files.createSymbolicLink(link, launcher);
    Run run = Launcher.run(link, tmp, withJava, "--version");
    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.args().contains(home.toRealPath().resolve("sbtc-signer-exporter.jar").toString()), run.args().toString());
  }

  @Test
  void runsJavaFromJavaHomeElseFromThePath() throws Exception {
    Path launcher = tarballLayout();
    assertTrue(Launcher.run(launcher, tmp, withJava, "--version").javaPid() > 0, "JAVA_HOME/bin/java ran");
    Run fromPath = Launcher.run(launcher, tmp, Map.of("PATH", javaHome.resolve("bin") + ":/usr/bin:/bin"), "--version");
    assertTrue(fromPath.javaPid() > 0, "java on the PATH ran: " + fromPath.stderr());
    Run none = Launcher.run(launcher, tmp, Map.of("JAVA_HOME", tmp.resolve("no-such-jre").toString()), "--version");
    assertEquals(1, none.exitCode());
    assertTrue(none.stderr().contains("install a Java 17 runtime or set JAVA_HOME"), none.stderr());
  }

  /** systemd's MainPID, the container's PID 1, kill -HUP: all must be the JVM, not a shell waiting for it. */
  @Test
  void execsJavaSoTheJvmHasTheLaunchersProcessId() throws Exception {
    Run run = Launcher.run(tarballLayout(), tmp, withJava, "--version");
    assertEquals(run.launcherPid(), run.javaPid());
  }

  @Test
  void javaOptsComeAfterTheDefaultsSoTheyWinAndAreNotGlobbed() throws Exception {
    Files.writeString(tmp.resolve("some-file"), "");
    Run run = Launcher.run(tarballLayout(), tmp, Map.of("JAVA_HOME", javaHome.toString(), "JAVA_OPTS", " -Xmx256m  -Dsome.glob=* "), "--demo");
    List<String> opts = run.jvmOptions();
    assertTrue(opts.contains("-Xmx96m"), opts.toString());
    assertTrue(opts.indexOf("-Xmx256m") > opts.indexOf("-Xmx96m"), "JVM options: the last one wins; " + opts);
    assertEquals("-Dsome.glob=*", opts.get(opts.size() - 1));
    assertEquals(List.of("--demo"), run.programArgs());
  }

  @Test
  void exporterArgumentsPassThroughUnchanged() throws Exception {
    String[] args = {"--config", "/etc/my config.yml", "--web.listen-address", "127.0.0.1:10184", "$HOME", "*", ""};
    Run run = Launcher.run(tarballLayout(), tmp, withJava, args);
    assertEquals(List.of(args), run.programArgs());
  }

  @Test
  void usesTheClassDataArchiveOnlyWhenItIsNewerThanTheJar() throws Exception {
    Path launcher = tarballLayout();
    Path jar = home.resolve("sbtc-signer-exporter.jar");
    Path archive = home.resolve("sbtc-signer-exporter.jsa");
    writeArchive(archive, jar.toRealPath().toString(), "17.0.15+6");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
    Files.setLastModifiedTime(archive, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
    String option = "-XX:SharedArchiveFile=" + home.toRealPath().resolve("sbtc-signer-exporter.jsa");
    Run fresh = Launcher.run(launcher, tmp, Map.of("JAVA_HOME", javaHome.toString(), "JAVA_OPTS", "-Xshare:off"), "--demo");
    List<String> opts = fresh.jvmOptions();
    assertTrue(opts.contains(option), opts.toString());
    assertTrue(opts.indexOf("-Xshare:off") > opts.indexOf(option), "JAVA_OPTS can turn it off: " + opts);
    assertEquals("", fresh.stderr());

    // A jar replaced by an upgrade is newer than the archive written for the old one.
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-02-01T00:00:00Z")));
    Run stale = Launcher.run(launcher, tmp, withJava, "--demo");
    assertFalse(stale.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")), stale.jvmOptions().toString());
    Files.delete(archive);
    Run absent = Launcher.run(launcher, tmp, withJava, "--demo");
    assertEquals(0, absent.exitCode(), absent.stderr());
    assertFalse(absent.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")), absent.jvmOptions().toString());
  }

  /**
   * The JVM drops a static archive it cannot use without a word, and the JDK's own archive with it
   * (a slower start, nothing else): the launcher says why and leaves it out.
   */
  @Test
  void anArchiveForAnotherJarPathOrAnotherJavaBuildIsLeftOutWithAReason() throws Exception {
    Path launcher = tarballLayout();
    Path archive = home.resolve("sbtc-signer-exporter.jsa");
    writeRelease("17.0.15", "17.0.15+6-Debian-1deb12u1");

    writeArchive(archive, "/opt/elsewhere/sbtc-signer-exporter.jar", "17.0.15+6-Debian-1deb12u1");
    Run moved = Launcher.run(launcher, tmp, withJava, "--demo");
    assertEquals(0, moved.exitCode(), moved.stderr());
    assertFalse(moved.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")), moved.jvmOptions().toString());
    assertTrue(moved.stderr().contains("written for a jar at another path"), moved.stderr());
    assertTrue(moved.stderr().contains("--write-cds-archive"), moved.stderr());

    writeArchive(archive, home.toRealPath().resolve("sbtc-signer-exporter.jar").toString(), "17.0.14+7-Debian-1deb12u1");
    Run upgraded = Launcher.run(launcher, tmp, withJava, "--demo");
    assertFalse(upgraded.jvmOptions().stream().anyMatch(o -> o.startsWith("-XX:SharedArchiveFile")), upgraded.jvmOptions().toString());
    assertTrue(upgraded.stderr().contains("written by another Java build than 17.0.15+6-Debian-1deb12u1"), upgraded.stderr());

    writeArchive(archive, home.toRealPath().resolve("sbtc-signer-exporter.jar").toString(), "17.0.15+6-Debian-1deb12u1");
    Run matching = Launcher.run(launcher, tmp, withJava, "--demo");
    assertTrue(matching.jvmOptions().contains("-XX:SharedArchiveFile=" + archive.toRealPath()), matching.jvmOptions().toString());
    assertEquals("", matching.stderr());
  }

  @Test
  void writeCdsArchiveRecordsTheTrainingsClassesWithTheSameOptionsThenDumpsThem() throws Exception {
    Path launcher = tarballLayout();
    Path archive = home.resolve("sbtc-signer-exporter.jsa");
    Files.writeString(archive, "an old archive");
    Run run = Launcher.run(launcher, tmp, withJava, "--write-cds-archive");
    assertEquals(0, run.exitCode(), run.stderr());
    assertFalse(Files.exists(archive), "the old archive is not used to write the new one");
    String real = home.toRealPath().resolve("sbtc-signer-exporter.jsa").toString();
    List<String> args = run.args();
    // Two runs of java: the training, which lists the classes it loads, then the dump of those classes.
    int training = args.indexOf("io.sbtc.exporter.CdsTraining");
    assertTrue(training > 0, args.toString());
    List<String> first = args.subList(0, training + 1);
    List<String> second = args.subList(training + 1, args.size());
    assertTrue(first.contains("-XX:DumpLoadedClassList=" + real + ".classes"), first.toString());
    assertTrue(first.containsAll(Launcher.jvmOptions()), "the training runs with the exporter's options: " + first);
    assertEquals(List.of("-cp", home.toRealPath().resolve("sbtc-signer-exporter.jar").toString(), "io.sbtc.exporter.CdsTraining"),
        first.subList(first.size() - 3, first.size()));
    assertTrue(second.containsAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + real + ".classes", "-XX:SharedArchiveFile=" + real)),
        second.toString());
    assertTrue(second.containsAll(Launcher.jvmOptions()), "dumped with the exporter's options: " + second);
    assertFalse(args.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit")), args.toString());
    assertFalse(Files.exists(Path.of(real + ".classes")), "the class list is removed");
  }

  /** glibc's malloc arenas: 2 unless the environment says otherwise. */
  @Test
  void limitsMallocArenasUnlessTheEnvironmentSetsThem() throws Exception {
    Path launcher = tarballLayout();
    assertEquals("2", Launcher.run(launcher, tmp, withJava, "--version").mallocArenaMax());
    assertEquals("8", Launcher.run(launcher, tmp, Map.of("JAVA_HOME", javaHome.toString(), "MALLOC_ARENA_MAX", "8"), "--version")
        .mallocArenaMax());
  }

  /** -XX:TrimNativeHeapInterval stops a Java before 17.0.9 from starting: only given to a runtime known to have it. */
  @Test
  void trimsTheNativeHeapOnlyOnJavaThatHasTheOption() throws Exception {
    Path launcher = tarballLayout();
    String trim = "-XX:TrimNativeHeapInterval=1000";
    assertFalse(Launcher.run(launcher, tmp, withJava, "--version").jvmOptions().contains(trim), "no release file: unknown");
    for (String old : List.of("17", "17.0.8")) {
      writeRelease(old, old + "+7");
      assertFalse(Launcher.run(launcher, tmp, withJava, "--version").jvmOptions().contains(trim), old);
    }
    for (String recent : List.of("17.0.9", "17.0.15", "21.0.2")) {
      writeRelease(recent, recent + "+7");
      List<String> opts = Launcher.run(launcher, tmp, withJava, "--version").jvmOptions();
      assertTrue(opts.contains(trim) && opts.indexOf("-XX:+UnlockExperimentalVMOptions") < opts.indexOf(trim), recent + ": " + opts);
    }
  }

  /** What a JDK's release file says, as the stand-in java's home. */
  private void writeRelease(String version, String runtimeVersion) throws Exception {
    Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_RUNTIME_VERSION=\"" + runtimeVersion
        + "\"\nJAVA_VERSION=\"" + version + "\"\n");
  }

  /** A stand-in archive: what the launcher reads of a real one, the JVM's name in the header and the jar's path. */
  private void writeArchive(Path archive, String jarPath, String javaBuild) throws Exception {
    Files.deleteIfExists(archive);
    Files.writeString(archive, "OpenJDK 64-Bit Server VM (" + javaBuild + ") for linux-amd64 JRE (" + javaBuild + ")\n"
        + "x".repeat(5000) + jarPath + "\n");
    FileTime jarTime = Files.getLastModifiedTime(home.resolve("sbtc-signer-exporter.jar"));
    Files.setLastModifiedTime(archive, FileTime.from(jarTime.toInstant().plusSeconds(1)));
  }

  /** Out of memory, the process ends, and systemd, Docker or the kubelet start it again; it never lives on half dead. */
  @Test
  void theJvmEndsOnOutOfMemoryError() throws Exception {
    assertTrue(Launcher.jvmOptions().contains("-XX:+ExitOnOutOfMemoryError"));
  }
}
