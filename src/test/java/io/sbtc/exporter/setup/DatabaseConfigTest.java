package io.sbtc.exporter.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sbtc.exporter.config.ConfigException;
import io.sbtc.exporter.config.PgUrl;
import io.sbtc.exporter.core.Schedule;
import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ConfigPrinter;
import io.sbtc.exporter.setup.ExporterConfig;
import io.sbtc.exporter.source.backup.BackupConfig;
import io.sbtc.exporter.source.backup.BackupVerifyConfig;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The signer_db and backups sections: defaults, accepted URL forms, the scratch-server safety check, and every refusal with its message. */
class DatabaseConfigTest {
  private static final Map<String, String> ENV = Map.of("SIGNER_DB_PASSWORD", "from-env");

  static ExporterConfig parse(String yaml) {
    return ConfigLoader.parse("test.yml", yaml, ENV::get);
  }

  @Test
  void libpqAndJdbcUrlsNameTheSameDatabase() {
    PgUrl libpq = parse("signer_db: {url: \"postgresql://sbtc_exporter@db.internal/signer\"}").section(SignerDbConfig.class).orElseThrow().url();
    PgUrl jdbc = parse("signer_db: {url: \"jdbc:postgresql://db.internal:5432/signer?user=sbtc_exporter\"}").section(SignerDbConfig.class).orElseThrow().url();
    assertEquals(new PgUrl("db.internal", 5432, "signer", "sbtc_exporter", Map.of()), libpq);
    assertEquals(libpq, jdbc);
    assertEquals("jdbc:postgresql://db.internal:5432/signer", libpq.jdbcUrl());
    assertEquals("postgresql://sbtc_exporter@db.internal:5432/signer", libpq.display());
  }

  @Test
  void ipv6HostAndTlsParameters() {
    PgUrl url = parse("signer_db: {url: \"postgres://exp@[::1]:6543/signer?sslmode=verify-full&sslrootcert=/etc/ssl/db.crt\"}")
        .section(SignerDbConfig.class).orElseThrow().url();
    assertEquals(new PgUrl("::1", 6543, "signer", "exp", Map.of("sslmode", "verify-full", "sslrootcert", "/etc/ssl/db.crt")), url);
    assertEquals("jdbc:postgresql://[::1]:6543/signer", url.jdbcUrl());
  }

  @Test
  void defaults() {
    ExporterConfig c = parse("""
        signer_db:
          url: "postgresql://sbtc_exporter@127.0.0.1:5432/signer"
          password: "${SIGNER_DB_PASSWORD}"
        backups:
          - name: signer-db
            path: /var/backups/signer
            verify:
              scratch_url: "postgresql://sbtc_verifier@127.0.0.1:5433/postgres"
        """);
    SignerDbConfig db = c.section(SignerDbConfig.class).orElseThrow();
    assertEquals(new Schedule(Duration.ofSeconds(60), Duration.ofSeconds(10)), db.schedule());
    assertEquals("from-env", db.password().orElseThrow().reveal());
    BackupConfig b = c.sections(BackupConfig.class).get(0);
    assertEquals(Path.of("/var/backups/signer"), b.path());
    assertEquals("*", b.pattern());
    assertEquals(Duration.ofHours(26), b.maxAge());
    assertEquals(1, b.minSize());
    assertEquals(new Schedule(Duration.ofSeconds(60), Duration.ofSeconds(10)), b.schedule());
    BackupVerifyConfig v = b.verify().orElseThrow();
    assertEquals(new Schedule(Duration.ofHours(24), Duration.ofMinutes(30)), v.schedule());
    assertEquals("pg_restore", v.pgRestore());
    assertEquals("psql", v.psql());
    assertEquals(Duration.ofSeconds(5), v.settleTime());
    assertEquals(Optional.empty(), v.password());
  }

  @Test
  void scratchDatabaseOnTheSignersServerIsAllowedWhenItIsAnotherDatabase() {
    ExporterConfig c = parse("""
        signer_db: {url: "postgresql://sbtc_exporter@127.0.0.1:5432/signer"}
        backups:
          - name: signer-db
            path: /var/backups/signer
            verify: {scratch_url: "postgresql://sbtc_verifier@127.0.0.1:5432/postgres"}
        """);
    assertTrue(c.sections(BackupConfig.class).get(0).verify().isPresent());
  }

  @Test
  void printedConfigShowsUrlsWithoutSecrets() {
    String printed = ConfigPrinter.toYaml(parse("""
        signer_db:
          url: "postgresql://sbtc_exporter@127.0.0.1:5432/signer"
          password: "${SIGNER_DB_PASSWORD}"
        """));
    assertTrue(printed.contains("url: \"postgresql://sbtc_exporter@127.0.0.1:5432/signer\""), printed);
    assertTrue(printed.contains("password: \"${SIGNER_DB_PASSWORD}\""), "the reference, which reads back:\n" + printed);
  }

  static Stream<Arguments> invalid() {
    String db = "signer_db: {url: \"postgresql://sbtc_exporter@db:5432/signer\"}\n";
    String backup = "backups:\n  - name: signer-db\n    path: /var/backups/signer\n";
    return Stream.of(
        Arguments.of("signer_db: {url: \"postgresql://exp:hunter2@db:5432/signer\"}",
            "test.yml: signer_db.url: must not contain a password; use password_file (got \"postgresql://<secret>@db:5432/signer\")"),
        Arguments.of("signer_db: {url: \"jdbc:postgresql://db:5432/signer?user=exp&password=hunter2\"}",
            "test.yml: signer_db.url: must not contain a password; use password_file"),
        Arguments.of("signer_db: {url: \"mysql://exp@db:3306/signer\"}",
            "test.yml: signer_db.url: must start with postgresql:// or jdbc:postgresql:// (got \"mysql://exp@db:3306/signer\")"),
        Arguments.of("signer_db: {url: \"postgresql://exp@db:5432\"}",
            "test.yml: signer_db.url: must name a database, like postgresql://sbtc_exporter@127.0.0.1:5432/signer (got \"postgresql://exp@db:5432\")"),
        Arguments.of("signer_db: {url: \"postgresql://db:5432/signer\"}",
            "test.yml: signer_db.url: must name a user, like postgresql://sbtc_exporter@127.0.0.1:5432/signer (got \"postgresql://db:5432/signer\")"),
        Arguments.of("signer_db: {url: \"postgresql://exp@db1:5432,db2:5432/signer\"}",
            "test.yml: signer_db.url: must name one host, like postgresql://sbtc_exporter@127.0.0.1:5432/signer (got \"postgresql://<secret>@...\")"),
        Arguments.of("signer_db: {url: \"postgresql://exp@db/signer?connect_timeout=3\"}",
            "test.yml: signer_db.url: parameter \"connect_timeout\" is not supported; supported: user, sslmode, sslrootcert"),
        Arguments.of("signer_db: {url: \"postgresql://exp@db/signer?sslmode=on\"}",
            "test.yml: signer_db.url: sslmode must be one of [allow, disable, prefer, require, verify-ca, verify-full] (got \"on\")"),
        Arguments.of("signer_db: {}", "test.yml: signer_db.url: is required"),
        Arguments.of("signer_db: {url: \"postgresql://exp@db/signer\", password: \"hunter2\"}",
            "test.yml: signer_db.password: must not be written in the config file; use password_file or an environment reference like ${PASSWORD}"),
        Arguments.of("signer_db: {url: \"postgresql://exp@db/signer\", intervall: 30s}", "test.yml: signer_db.intervall: unknown key"),
        Arguments.of("signer_db: {url: \"postgresql://exp@db/signer\", interval: 5s, timeout: 10s}",
            "test.yml: signer_db.timeout: must not be longer than interval 5s (got \"10s\")"),
        Arguments.of("backups: {name: signer-db}", "test.yml: backups: must be a list (got a mapping)"),
        Arguments.of("backups:\n  - path: /var/backups/signer\n", "test.yml: backups[0].name: is required"),
        Arguments.of("backups:\n  - name: \"signer db\"\n    path: /x\n",
            "test.yml: backups[0].name: must be 1-40 letters, digits, '_', '.' or '-' (got \"signer db\")"),
        Arguments.of(backup + "  - name: signer-db\n    path: /elsewhere\n", "test.yml: backups[1].name: duplicate backup name \"signer-db\""),
        Arguments.of("backups:\n  - name: signer-db\n", "test.yml: backups[0].path: is required"),
        Arguments.of(backup + "    pattern: \"daily/*.dump\"\n",
            "test.yml: backups[0].pattern: must be a glob for file names in path, like \"signer-*.dump\" (got \"daily/*.dump\")"),
        Arguments.of(backup + "    pattern: \"signer-[.dump\"\n", "test.yml: backups[0].pattern: is not a valid glob (got \"signer-[.dump\")"),
        Arguments.of(backup + "    max_age: 26 hours\n",
            "test.yml: backups[0].max_age: must be a duration like 500ms, 15s, 5m, 26h or 7d (got \"26 hours\")"),
        Arguments.of(backup + "    min_size: 1 megabyte\n",
            "test.yml: backups[0].min_size: must be a size like 1048576, 512KiB or 16MiB (got \"1 megabyte\")"),
        Arguments.of(backup + "    verify: {}\n", "test.yml: backups[0].verify.scratch_url: is required"),
        Arguments.of(db + backup + "    verify: {scratch_url: \"postgresql://sbtc_verifier@db:5432/signer\"}\n",
            "test.yml: backups[0].verify.scratch_url: must not be the signer's own database (postgresql://db:5432/signer);"
                + " restore verification needs a scratch server of its own"),
        Arguments.of("signer_db: {url: \"jdbc:postgresql://127.0.0.1/signer?user=exp\"}\n" + backup
                + "    verify: {scratch_url: \"postgresql://verifier@localhost:5432/signer\"}\n",
            "test.yml: backups[0].verify.scratch_url: must not be the signer's own database (postgresql://127.0.0.1:5432/signer);"
                + " restore verification needs a scratch server of its own"),
        Arguments.of(backup + "    verify: {scratch_url: \"postgresql://v@scratch/postgres\", interval: 1h, timeout: 2h}\n",
            "test.yml: backups[0].verify.timeout: must not be longer than interval 1h (got \"2h\")"),
        Arguments.of(backup + "    verify: {scratch_url: \"postgresql://v@scratch/postgres\", timeout: 10s, settle_time: 10s}\n",
            "test.yml: backups[0].verify.settle_time: must be shorter than timeout 10s (got \"10s\")"),
        Arguments.of(backup + "    verify: {scratch_url: \"postgresql://v@scratch/postgres\", pg_restore: \"pg_restore --jobs 4\"}\n",
            "test.yml: backups[0].verify.pg_restore: must be a program path like /usr/bin/pg_restore, without arguments (got \"pg_restore --jobs 4\")"),
        Arguments.of(backup + "    verify: {scratch_url: \"postgresql://v@scratch/postgres\", keep_database: true}\n",
            "test.yml: backups[0].verify.keep_database: unknown key"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidConfigIsRefusedWithAnExactMessage(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
    assertEquals(message, e.getMessage());
  }
}
