package io.sbtc.exporter.source.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.testing.RunningExporter;
import io.sbtc.exporter.testing.Scrape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH part of "strict access control": what sshd would do with its config, read the way sshd
 * reads it (openssh-portable servconf.c: first value wins, Include in place, Match to the next
 * Match or the end of the file). SshdEffectiveConfigTest compares the same files with sshd -T.
 */
class SshdAuditTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/audit/sshd");

  @TempDir
  Path dir;

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text);
  }

  SshdSettings config(String text) throws IOException {
    return SshdConfigParser.readConfig(write("sshd_config", text));
  }

  /**
   * An Include glob may match anything (a log left in sshd_config.d, a device): no file is read past
   * 1 MiB, and a bigger one is too_large rather than a memory spike next to the signer.
   */
  @Test
  void anIncludedFileTooLargeForAnSshdConfigIsRefusedUnread() throws IOException {
    write("sshd_config.d/big.conf", "# " + "x".repeat(SshdConfigParser.MAX_FILE_BYTES) + "\n");
    SourceException e = assertThrows(SourceException.class, () -> config("Include sshd_config.d/*.conf\nPasswordAuthentication no\n"));
    assertEquals(ErrorReason.TOO_LARGE, e.reason());
    assertTrue(e.getMessage().contains("big.conf is larger than 1024 KiB"), e.getMessage());
    write("sshd_config.d/big.conf", "# just under the limit " + "x".repeat(SshdConfigParser.MAX_FILE_BYTES - 100) + "\n");
    assertEquals(1, config("Include sshd_config.d/*.conf\nPasswordAuthentication no\n").files() - 1);
  }

  @Test
  void debianDefaultsWithACloudInitDropInAllowPasswordsAndRootKeys() {
    SshdSettings s = SshdConfigParser.readConfig(FIXTURES.resolve("debian12/sshd_config"));
    // The drop-in is included before the main file's own lines, so its "yes" wins; PasswordAuthentication
    // and PermitRootLogin are left at the compiled-in defaults (servconf.h: yes, prohibit-password).
    assertEquals("yes", s.effective("passwordauthentication"));
    assertEquals("no", s.effective("kbdinteractiveauthentication"));
    assertEquals("prohibit-password", s.effective("permitrootlogin"));
    assertEquals("yes", s.effective("usepam"));
    assertEquals(2, s.files());
    assertTrue(s.passwordLogin());
    assertTrue(s.rootLogin(), "root may log in with a key");
  }

  @Test
  void aHardenedHostPassesAndItsTwoFactorExceptionIsNotAPasswordLogin() {
    SshdSettings s = SshdConfigParser.readConfig(FIXTURES.resolve("hardened/sshd_config"));
    assertFalse(s.passwordLogin(), "keyboard-interactive after a key is a second factor, not a password login");
    assertFalse(s.rootLogin());
    assertEquals(Map.of("Address 10.8.0.0/24 User deploy",
            Map.of("kbdinteractiveauthentication", "yes", "authenticationmethods", "publickey,keyboard-interactive")),
        s.matchOverrides());
  }

  @Test
  void firstValueWinsAndKeywordsAreCaseInsensitive() throws IOException {
    SshdSettings s = config("""
        passwordauthentication   "no"
        PasswordAuthentication yes
        PERMITROOTLOGIN=No
          PermitRootLogin yes
        ChallengeResponseAuthentication no # the old name of KbdInteractiveAuthentication
        KbdInteractiveAuthentication yes
        """);
    assertEquals("no", s.effective("passwordauthentication"));
    assertEquals("no", s.effective("permitrootlogin"));
    assertEquals("no", s.effective("kbdinteractiveauthentication"));
    assertFalse(s.passwordLogin());
    assertFalse(s.rootLogin());
  }

  @Test
  void aMatchBlockThatAllowsPasswordsCountsAndNamesItsCriteria() throws IOException {
    SshdSettings s = config("""
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin no
        Match User backup Address 192.0.2.7
          PasswordAuthentication yes
        Match Group admins
          X11Forwarding no
        """);
    assertEquals("no", s.effective("passwordauthentication"), "other connections");
    assertTrue(s.passwordLogin());
    assertFalse(s.rootLogin());
    assertEquals(Map.of("User backup Address 192.0.2.7", Map.of("passwordauthentication", "yes")), s.matchOverrides());
  }

  @Test
  void matchAllAppliesToEveryConnection() throws IOException {
    SshdSettings s = config("""
        PasswordAuthentication yes
        PermitRootLogin yes
        Match all
          PasswordAuthentication no
          PermitRootLogin no
        """);
    assertEquals("no", s.effective("passwordauthentication"));
    assertFalse(s.passwordLogin());
    assertFalse(s.rootLogin());
  }

  @Test
  void anIncludedFilesMatchBlockEndsWithThatFile() throws IOException {
    write("conf.d/10-sftp.conf", """
        Match User sftp
          PermitRootLogin yes
        """);
    SshdSettings s = config("""
        Include conf.d/*.conf
        PermitRootLogin no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        """);
    // Without the file boundary, "PermitRootLogin no" would belong to the Match block and global root login stay at its default.
    assertEquals("no", s.effective("permitrootlogin"));
    assertEquals(Map.of("User sftp", Map.of("permitrootlogin", "yes")), s.matchOverrides());
    assertTrue(s.rootLogin(), "for the user sftp");
    assertFalse(s.passwordLogin());
  }

  @Test
  void includesAreReadInLexicalOrderAndAbsolutePathsWork() throws IOException {
    write("conf.d/20-late.conf", "PasswordAuthentication yes\n");
    write("conf.d/10-early.conf", "PasswordAuthentication no\n");
    write("conf.d/.hidden.conf", "PermitRootLogin yes\n");
    SshdSettings s = config("Include " + dir.resolve("conf.d") + "/*.conf nothing-matches-*.conf\nPermitRootLogin no\n");
    assertEquals("no", s.effective("passwordauthentication"));
    assertEquals("no", s.effective("permitrootlogin"), "glob(3) skips dot files");
    assertEquals(3, s.files());
  }

  @Test
  void keyboardInteractiveIsAPasswordOnlyThroughPam() throws IOException {
    assertFalse(config("PasswordAuthentication no\nKbdInteractiveAuthentication yes\n").passwordLogin(), "UsePAM defaults to no");
    assertTrue(config("PasswordAuthentication no\nKbdInteractiveAuthentication yes\nUsePAM yes\n").passwordLogin());
  }

  @Test
  void authenticationMethodsDecideWhetherAPasswordIsEnough() throws IOException {
    assertFalse(config("AuthenticationMethods publickey,password\n").passwordLogin(), "a password after a key");
    assertTrue(config("AuthenticationMethods publickey password\n").passwordLogin(), "a password instead of a key");
    assertFalse(config("PasswordAuthentication no\nAuthenticationMethods publickey password\n").passwordLogin(), "the password method is off");
  }

  @Test
  void aLineSshdWouldRefuseFailsTheAuditRatherThanGuessing() throws IOException {
    SourceException e = assertThrows(SourceException.class, () -> config("PasswordAuthentication maybe\n"));
    assertEquals(ErrorReason.PARSE, e.reason());
    assertTrue(e.getMessage().endsWith("sshd_config line 1: PasswordAuthentication must be yes or no (got \"maybe\")"), e.getMessage());
    assertThrows(SourceException.class, () -> config("PasswordAuthentication\n"));
    assertThrows(SourceException.class, () -> config("Banner \"/etc/issue\n"));
    assertThrows(SourceException.class, () -> config("Match User x\n  UsePAM yes\n"));
  }

  @Test
  void anIncludeLoopStopsAtSshdsDepthLimit() throws IOException {
    SourceException e = assertThrows(SourceException.class, () -> config("Include sshd_config\n"));
    assertTrue(e.getMessage().contains("Include nested more than 16 deep"), e.getMessage());
  }

  @Test
  void sshdTOutputIsReadAsTheEffectiveGlobalSettings() throws IOException {
    // Printed by Debian 12's sshd 9.2p1 for the debian12 fixture (see SshdEffectiveConfigTest).
    SshdSettings s = SshdConfigParser.readSshdT(FIXTURES.resolve("sshd-T-debian12.txt"));
    assertEquals("yes", s.effective("passwordauthentication"));
    assertEquals("prohibit-password", s.effective("permitrootlogin"), "9.2 prints the old name without-password");
    assertEquals("any", s.effective("authenticationmethods"));
    assertTrue(s.passwordLogin());
    assertTrue(s.rootLogin());

    Path notSshdT = write("sshd-T.txt", "Include /etc/ssh/sshd_config.d/*.conf\n");
    assertThrows(SourceException.class, () -> SshdConfigParser.readSshdT(notSshdT));
    Path empty = write("empty.txt", "\n");
    SourceException e = assertThrows(SourceException.class, () -> SshdConfigParser.readSshdT(empty));
    assertTrue(e.getMessage().contains("has no passwordauthentication line"), e.getMessage());
  }

  @Test
  void checkConfigPrintsTheSshKeysAsTheyAreWritten() {
    String printed = ConfigPrinter.toYaml(ConfigLoader.parse("test.yml", "audit:\n  ssh:\n    sshd_t_output: /var/lib/x/sshd-T.txt\n", n -> null));
    assertTrue(printed.contains("    config_file: \"/etc/ssh/sshd_config\"\n    sshd_t_output: \"/var/lib/x/sshd-T.txt\"\n"), printed);
  }

  @Test
  void theExporterServesTheVerdictsAndAnUnreadableConfigIsADownSourceNotAPass() throws IOException {
    Path missing = dir.resolve("missing/sshd_config");
    String yaml = """
        audit:
          interval: 1s
          ssh:
            config_file: "%s"
        """;
    try (RunningExporter exporter = RunningExporter.start(yaml.formatted(FIXTURES.resolve("debian12/sshd_config"))).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(1.0, s.up("audit_ssh"));
      assertEquals(1.0, s.get("sbtc_audit_ssh_password_login"));
      assertEquals(1.0, s.get("sbtc_audit_ssh_root_login"));
      assertEquals(2.0, s.get("sbtc_audit_ssh_config_files"));
      assertEquals(1.0, s.get("sbtc_audit_ssh_setting_info{match=\"\",setting=\"passwordauthentication\",value=\"yes\"}"));
    }
    try (RunningExporter exporter = RunningExporter.start(yaml.formatted(missing)).awaitReady()) {
      Scrape s = exporter.scrape();
      assertEquals(0.0, s.up("audit_ssh"));
      assertEquals(1.0, s.errors("audit_ssh", "other"));
      assertEquals(List.of(), s.lines("sbtc_audit_ssh_"), "no verdict at all, rather than a pass");
      assertTrue(exporter.get("/").body().contains(missing + " does not exist"));
    }
  }
}
