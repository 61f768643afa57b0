package io.sbtc.exporter.alerting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One truth: what the docs call an alert is an alert of alerts/sbtc-signer.rules.yml, with the severity
 * the rules give it, and the systemd unit reads what the docs tell operators to configure. (That every
 * alert has its runbook section is AlertRulesContractTest's.)
 */
class DocsTruthTest {
  static final Path UNIT = Path.of("deploy/systemd/sbtc-signer-exporter.service");
  /** Three words or more, as every alert name has: ChainLag, a class, is not one. */
  /** Settings of other programs that happen to end like one of our alerts. */
  static final Set<String> OTHER_PROGRAMS_KEYWORDS = Set.of("PermitRootLogin");

  static final Pattern CAMEL = Pattern.compile("\\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*){2,}\\b");

  final RuleFile rules = RuleFile.load();
  final Set<String> alerts = new TreeSet<>();

  DocsTruthTest() {
    rules.alerts().forEach(a -> alerts.add(a.name()));
  }

  /** README.md and docs/*.md: the files an operator copies alert ideas from. CHANGELOG.md names old alerts on purpose. */
  static List<Path> docs() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> s = Files.list(Path.of("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /**
   * A word that looks like an alert name: Sbtc..., or CamelCase ending in the last word of one of our
   * alert names (Down, Stale, Old, Short, Failing...). The endings come from the rules, so alerts added
   * later extend them; test classes and systemd or TLS settings end otherwise.
   */
  Set<String> alertLikeNames(String text) {
    Set<String> endings = new TreeSet<>();
    for (String a : alerts) {
      Matcher last = Pattern.compile("[A-Z][a-z0-9]*$").matcher(a);
      if (last.find() && last.group().length() > 2) {
        endings.add(last.group());
      }
    }
    Set<String> out = new TreeSet<>();
    Matcher m = CAMEL.matcher(text);
    while (m.find()) {
      String w = m.group();
      if (w.startsWith("Sbtc") || (endings.stream().anyMatch(w::endsWith) && !OTHER_PROGRAMS_KEYWORDS.contains(w))) {
        out.add(w);
      }
    }
    return out;
  }

  @Test
  void everyAlertNameInTheDocsIsABundledAlert() throws IOException {
    List<String> unknown = new ArrayList<>();
    for (Path doc : docs()) {
      for (String name : alertLikeNames(Files.readString(doc))) {
        if (!alerts.contains(name)) {
          unknown.add(doc + ": " + name);
        }
      }
    }
    assertEquals(List.of(), unknown, "alert names that alerts/sbtc-signer.rules.yml does not have: copying them gives "
        + "duplicate or conflicting pages; name the bundled alert instead");
  }

  /** The names issue 20 found in the docs, with another severity or threshold than the shipped rules. */
  @Test
  void theCheckCatchesAlertIdeasUnderOtherNames() {
    assertEquals(Set.of("SignerBackupTooOld", "BitcoinNodeStuck", "SbtcLogRetentionTooShort"), alertLikeNames(
        "alert: SignerBackupTooOld (critical); BitcoinNodeStuck after 3600 s; SbtcLogRetentionTooShort. "
            + "Not alerts: AlertRulesContractTest, ProtectSystem, RequireAndVerifyClientCert, PrometheusRule."));
    assertFalse(alertLikeNames("SbtcBackupTooOld").isEmpty());
  }

  /** A table row that names bundled alerts and then a severity must give the rules' severity. */
  @Test
  void severitiesInTheDocsTablesAreTheRulesSeverities() throws IOException {
    Map<String, String> severity = new TreeMap<>();
    rules.alerts().forEach(a -> severity.put(a.name(), a.labels().get("severity")));
    Pattern row = Pattern.compile("^\\|([^|]*)\\| (critical|warning|none)(?: / (critical|warning))? \\|", Pattern.MULTILINE);
    List<String> problems = new ArrayList<>();
    int rows = 0;
    for (Path doc : docs()) {
      Matcher m = row.matcher(Files.readString(doc));
      while (m.find()) {
        Matcher name = Pattern.compile("`(Sbtc\\w+)`").matcher(m.group(1));
        Set<String> allowed = new TreeSet<>(List.of(m.group(2)));
        if (m.group(3) != null) {
          allowed.add(m.group(3));
        }
        while (name.find()) {
          rows++;
          String rulesSays = severity.get(name.group(1));
          if (rulesSays != null && !allowed.contains(rulesSays)) {
            problems.add(doc + ": " + name.group(1) + " is " + allowed + " in the docs, " + rulesSays + " in the rules");
          }
        }
      }
    }
    assertTrue(rows > 60, "alert rows checked: " + rows);
    assertEquals(List.of(), problems);
  }

  /** Every log and backup directory the example config and the docs use is one the unit lets the exporter read. */
  @Test
  void theSystemdUnitReadsTheDirectoriesTheDocsConfigure() throws IOException {
    String unit = Files.readString(UNIT);
    List<String> readable = new ArrayList<>();
    unit.lines().filter(l -> l.startsWith("ReadOnlyPaths=")).forEach(l -> {
      for (String p : l.substring("ReadOnlyPaths=".length()).split("\\s+")) {
        readable.add(p.replaceFirst("^-", ""));
      }
    });
    Set<String> configured = new TreeSet<>();
    Pattern path = Pattern.compile("^#?\\s*path: (/\\S+)", Pattern.MULTILINE);
    for (Path file : List.of(Path.of("examples/config.yml"), Path.of("docs/database.md"), Path.of("docs/logs.md"))) {
      Matcher m = path.matcher(Files.readString(file));
      while (m.find()) {
        configured.add(m.group(1));
      }
    }
    assertTrue(configured.contains("/var/backups/signer"), configured.toString());
    List<String> unreadable = configured.stream().filter(c -> readable.stream().noneMatch(r -> c.equals(r) || c.startsWith(r + "/"))).toList();
    assertEquals(List.of(), unreadable, "directories in examples/config.yml or docs/ that " + UNIT + " does not list in ReadOnlyPaths=");
  }

  @Test
  void theSystemdUnitDocumentsItselfWithOurDocs() throws IOException {
    String repo = AlertLinks.RUNBOOKS_URL.substring(0, AlertLinks.RUNBOOKS_URL.indexOf("/blob/"));
    List<String> docs = Files.readString(UNIT).lines().filter(l -> l.startsWith("Documentation=")).toList();
    assertFalse(docs.isEmpty());
    for (String d : docs) {
      for (String url : d.substring("Documentation=".length()).split("\\s+")) {
        assertTrue(url.startsWith(repo + "/"), url + " is not in " + repo);
        Matcher doc = Pattern.compile("/blob/main/(docs/[a-z-]+\\.md)").matcher(url);
        assertTrue(doc.find() && Files.exists(Path.of(doc.group(1))), url + " names no file of docs/");
      }
    }
    assertTrue(docs.stream().anyMatch(d -> d.contains("docs/runbooks.md")), "the runbooks are one click away: " + docs);
  }

  /** What must not be in a command an operator copies: a secret on the command line, a name that does not exist. */
  static final Map<String, Pattern> BAD_COMMANDS = Map.of(
      "a password on the command line (ps and shell history show it)",
      Pattern.compile("-rpcpassword|PGPASSWORD=|--password[= ]|--from-literal=\\S*(key|password|endpoint)|://[^\\s/@:'\"]+:[^\\s/@'\"]+@"),
      "a container name the Compose override does not set (its services have no container_name)",
      Pattern.compile("docker (logs|exec|kill|restart|inspect|stop|start)( -\\S+| --\\S+( \\S+)?)* (sbtc-signer-exporter|prometheus|alertmanager|grafana)\\b"),
      "a relative path for a directory on the host (at 3 a.m. nobody knows the working directory)",
      Pattern.compile("\\b(du|ls|df)( -\\S+)* (?![/$~-])[a-z_]+/?(\\s|$)"));

  /** The commands of the docs: fenced code blocks, and in the runbooks and the first week's page inline code too. */
  static List<String> commands(Path doc, String text) {
    List<String> out = new ArrayList<>();
    Matcher block = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL).matcher(text);
    while (block.find()) {
      block.group(1).lines().filter(l -> !l.strip().startsWith("#")).forEach(out::add);
    }
    if (doc.endsWith("runbooks.md") || doc.endsWith("first-week.md")) {
      Matcher inline = Pattern.compile("`([^`\\n]+)`").matcher(text.replaceAll("(?s)```.*?```", ""));
      while (inline.find()) {
        out.add(inline.group(1));
      }
    }
    return out;
  }

  @Test
  void commandsInTheDocsKeepSecretsOffTheCommandLineAndWorkInEveryDeployment() throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path doc : docs()) {
      for (String command : commands(doc, Files.readString(doc))) {
        checked++;
        BAD_COMMANDS.forEach((why, bad) -> {
          if (bad.matcher(command).find()) {
            problems.add(doc + ": " + why + ": " + command.strip());
          }
        });
      }
    }
    assertTrue(checked > 300, "commands checked: " + checked);
    assertEquals(List.of(), problems);
  }

  /** Each of the checks above finds what issue 20 found in the runbooks. */
  @Test
  void theCommandChecksCatchWhatTheOldRunbooksSaid() {
    for (String old : List.of("docker exec bitcoin bitcoin-cli -rpcuser=signer -rpcpassword=hunter2 getblockchaininfo",
        "docker logs sbtc-signer-exporter", "docker logs --tail 100 sbtc-signer-exporter", "du -sh pg_wal",
        "kubectl create secret generic s --from-literal=bitcoin-rpc-endpoints=http://user:pass@bitcoin:8332")) {
      assertTrue(BAD_COMMANDS.values().stream().anyMatch(p -> p.matcher(old).find()), old);
    }
    for (String fine : List.of("docker logs --since 1h sbtc-signer", "du -sh /var/lib/postgresql/16/main/pg_wal",
        "docker exec postgres pg_isready -U postgres", "docker compose logs sbtc-signer-exporter", "df -h /mnt/bitcoin")) {
      assertTrue(BAD_COMMANDS.values().stream().noneMatch(p -> p.matcher(fine).find()), fine);
    }
  }
}
