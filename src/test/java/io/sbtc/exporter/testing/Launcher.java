package io.sbtc.exporter.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/sbtc-signer-exporter}, the launcher every deployment runs, started with a stand-in
 * {@code java} that prints what it was given: its process id and its arguments. So a test reads the launcher's decisions without starting a JVM.
 */
public final class Launcher {
  public static final Path SCRIPT = Path.of("bin/sbtc-signer-exporter");

  private Launcher() {}

  /**
   * One run: the launcher's own pid, what the stand-in java saw (the arguments of every java it ran, in
   * order, and its MALLOC_ARENA_MAX), the exit code and stderr.
   */
  public record Run(long launcherPid, long javaPid, List<String> args, String mallocArenaMax, int exitCode, String stderr) {
    /** The JVM options: everything before {@code -jar} or {@code -cp}. */
    public List<String> jvmOptions() {
      int end = 0;
      while (end < args.size() && !args.get(end).equals("-jar") && !args.get(end).equals("-cp")) {
        end++;
      }
      return args.subList(0, end);
    }

    /** The arguments after {@code -jar JAR} or {@code -cp JAR MAIN}. */
    public List<String> programArgs() {
      int start = jvmOptions().size();
      return args.subList(Math.min(args.size(), start + (args.get(start).equals("-jar") ? 2 : 3)), args.size());
    }
  }

  /** A directory usable as JAVA_HOME whose bin/java only reports how it was called. */
  public static Path fakeJavaHome(Path dir) throws IOException {
    Path java = dir.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, """
        #!/bin/sh
        echo "pid $$"
        echo "malloc_arena_max ${MALLOC_ARENA_MAX-unset}"
        for a in "$@"; do printf 'arg %s\\n' "$a"; done
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return dir;
  }

  /**
   * Runs {@code launcher} with {@code env} on top of an environment without JAVA_HOME, JAVA_OPTS and MALLOC_ARENA_MAX,
   * in {@code workDir}.
   */
  public static Run run(Path launcher, Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
    pb.environment().keySet().removeAll(List.of("JAVA_HOME", "JAVA_OPTS", "MALLOC_ARENA_MAX"));
    pb.environment().putAll(env);
    Path err = Files.createTempFile("launcher", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(launcher + " did not finish within 30 s");
    }
    long javaPid = -1;
    String mallocArenaMax = null;
    List<String> seen = new ArrayList<>();
    for (String line : out.split("\n", -1)) {
      if (line.startsWith("pid ")) {
        javaPid = Long.parseLong(line.substring(4));
      } else if (line.startsWith("malloc_arena_max ")) {
        mallocArenaMax = line.substring("malloc_arena_max ".length());
      } else if (line.startsWith("arg ")) {
        seen.add(line.substring(4));
      }
    }
    String stderr = Files.readString(err);
    Files.delete(err);
    return new Run(p.pid(), javaPid, seen, mallocArenaMax, p.exitValue(), stderr);
  }

  /**
   * A copy of this checkout's launcher in {@code home/bin/}, with an empty stand-in jar next to it
   * (the tarball layout), so no build is needed to read its decisions.
   */
  public static Path install(Path home) throws IOException {
    Path copy = home.resolve("bin/sbtc-signer-exporter");
    Files.createDirectories(copy.getParent());
    Files.copy(SCRIPT, copy);
    Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("sbtc-signer-exporter.jar"), "");
    return copy;
  }

  /** The JVM options the launcher in this checkout gives the exporter, for tests that run the JVM as it ships. */
  public static List<String> jvmOptions() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("launcher");
    Path launcher = install(dir.resolve("home"));
    Run run = run(launcher, dir, Map.of("JAVA_HOME", fakeJavaHome(dir.resolve("java")).toString()), "--version");
    if (run.exitCode() != 0) {
      throw new AssertionError("bin/sbtc-signer-exporter failed: " + run.stderr());
    }
    return run.jvmOptions();
  }
}
