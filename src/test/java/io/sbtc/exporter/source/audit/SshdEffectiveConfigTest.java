package io.sbtc.exporter.source.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sbtc.exporter.testing.ExternalTool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The truth is sshd: for each config, what {@code sshd -T} (and {@code sshd -T -C} for a connection
 * a Match block catches) prints for the audited settings must be what the parser reads. Runs the
 * real OpenSSH server binary in test mode only; it never listens. .ci/run installs openssh-server.
 */
class SshdEffectiveConfigTest {
  @TempDir
  static Path dir;

  /**
   * A config (fixture directory or text), and optionally a connection a Match block catches, given as
   * sshd's -C spec and as the criteria the parser reports for that block.
   */
  record Case(String name, String fixtureOrText, Optional<String> connection, Optional<String> block) {
    @Override
    public String toString() {
      return name + connection.map(c -> " for " + c).orElse("");
    }
  }

  static final String SYNTAX = """
      passwordauthentication   "no"
      PasswordAuthentication yes
      PERMITROOTLOGIN=No
        PermitRootLogin yes
      ChallengeResponseAuthentication no # the old name of KbdInteractiveAuthentication
      KbdInteractiveAuthentication yes
      """;
  /** sshd refuses to start when no list can be satisfied by the enabled methods. */
  static final String METHODS = """
      UsePAM yes
      AuthenticationMethods publickey,keyboard-interactive:pam "publickey,password"
      """;
  static final String MATCHES = """
      PasswordAuthentication no
      KbdInteractiveAuthentication no
      PermitRootLogin no
      Match User backup Address 192.0.2.7
        PasswordAuthentication yes
      Match all
        PermitRootLogin forced-commands-only
        KbdInteractiveAuthentication yes
      """;

  static Stream<Case> cases() {
    String backup = "user=backup,host=backup.example,addr=192.0.2.7,laddr=127.0.0.1,lport=22";
    String deploy = "user=deploy,host=vpn.example,addr=10.8.0.5,laddr=127.0.0.1,lport=22";
    return Stream.of(
        new Case("debian12", "fixture:debian12", Optional.empty(), Optional.empty()),
        new Case("hardened", "fixture:hardened", Optional.empty(), Optional.empty()),
        new Case("hardened", "fixture:hardened", Optional.of(deploy), Optional.of("Address 10.8.0.0/24 User deploy")),
        new Case("syntax", SYNTAX, Optional.empty(), Optional.empty()),
        new Case("methods", METHODS, Optional.empty(), Optional.empty()),
        new Case("matches", MATCHES, Optional.empty(), Optional.empty()),
        new Case("matches", MATCHES, Optional.of(backup), Optional.of("User backup Address 192.0.2.7")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theParserReadsWhatSshdDoes(Case c) throws IOException {
    Path sshd = ExternalTool.require("sshd");
    Path keygen = ExternalTool.require("ssh-keygen");
    Path hostKey = dir.resolve("host_key");
    if (!Files.exists(hostKey)) {
      ExternalTool.run(List.of(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()), Duration.ofSeconds(30));
    }
    Path config = materialise(c);

    List<String> command = new ArrayList<>(List.of(sshd.toString(), "-T", "-f", config.toString(), "-h", hostKey.toString()));
    c.connection().ifPresent(spec -> command.addAll(List.of("-C", spec)));
    ExternalTool.Result r = ExternalTool.run(command, Duration.ofSeconds(30));
    assertEquals(0, r.exitCode(), String.join(" ", command) + ":\n" + r.output());

    Map<String, String> bySshd = new LinkedHashMap<>();
    for (String line : r.output().split("\n")) {
      String[] kv = line.split(" ", 2);
      if (kv.length == 2 && SshdConfigParser.AUDITED.contains(kv[0])) {
        bySshd.put(kv[0], kv[1].equals("without-password") ? "prohibit-password" : kv[1]);
      }
    }
    SshdSettings parsed = SshdConfigParser.readConfig(config);
    Map<String, String> byParser = new LinkedHashMap<>();
    for (String key : bySshd.keySet()) {
      String value = parsed.effective(key);
      if (c.block().isPresent()) {
        value = parsed.matchOverrides().getOrDefault(c.block().get(), Map.of()).getOrDefault(key, value);
      }
      byParser.put(key, value);
    }
    assertEquals(SshdConfigParser.AUDITED.size(), bySshd.size(), "sshd -T printed every audited setting:\n" + r.output());
    assertEquals(bySshd, byParser);
  }

  /** sshd reads relative Include paths from /etc/ssh: give it the copies' absolute paths. */
  private static Path materialise(Case c) throws IOException {
    Path target = dir.resolve(c.name());
    if (Files.exists(target.resolve("sshd_config"))) {
      return target.resolve("sshd_config");
    }
    Files.createDirectories(target);
    if (c.fixtureOrText().startsWith("fixture:")) {
      Path source = SshdAuditTest.FIXTURES.resolve(c.fixtureOrText().substring("fixture:".length()));
      try (Stream<Path> files = Files.walk(source)) {
        for (Path p : files.toList()) {
          Path copy = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(copy);
          } else {
            Files.writeString(copy, Files.readString(p).replace("Include sshd_config.d/", "Include " + target + "/sshd_config.d/"));
          }
        }
      }
    } else {
      Files.writeString(target.resolve("sshd_config"), c.fixtureOrText());
    }
    return target.resolve("sshd_config");
  }
}
