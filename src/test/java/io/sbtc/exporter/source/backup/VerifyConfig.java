package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.setup.ConfigLoader;
import io.sbtc.exporter.setup.ExporterConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The config of one verified backup for the verifier tests: signer_db plus a backups entry with verify. */
final class VerifyConfig {
  private VerifyConfig() {}

  /** @param verifyKeys extra or replacing keys of the verify section, like {@code "timeout: 2s"} */
  static ExporterConfig of(String signerUrl, Path exporterPasswordFile, String scratchUrl, Path verifierPasswordFile,
      Path backupDir, String... verifyKeys) {
    Map<String, String> verify = new LinkedHashMap<>();
    verify.put("scratch_url", "\"" + scratchUrl + "\"");
    verify.put("password_file", "\"" + verifierPasswordFile + "\"");
    verify.put("settle_time", "100ms");
    for (String kv : verifyKeys) {
      String[] parts = kv.split(": ", 2);
      verify.put(parts[0], parts[1]);
    }
    StringBuilder lines = new StringBuilder();
    verify.forEach((k, v) -> lines.append("      ").append(k).append(": ").append(v).append('\n'));
    String yaml = """
        signer_db:
          url: "%s"
          password_file: "%s"
          timeout: 5s
        backups:
          - name: signer-db
            path: "%s"
            pattern: "signer-*"
            verify:
        %s""".formatted(signerUrl, exporterPasswordFile, backupDir, lines);
    return ConfigLoader.parse("test.yml", yaml, System::getenv);
  }
}
