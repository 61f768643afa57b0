package io.sbtc.exporter.source.backup;

import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSpec;
import io.sbtc.exporter.source.postgres.SignerDbConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One {@code backups:} entry's sources: its freshness, and its restore verification when it has {@code verify:}. */
public final class BackupSources {
  private BackupSources() {}

  /** @param live the signer's database, which a verification compares the restored DKG key with */
  public static List<SourceSpec> specs(BackupConfig backup, Optional<SignerDbConfig> live, SourceContext context) {
    List<SourceSpec> specs = new ArrayList<>();
    specs.add(new SourceSpec(BackupSource.PREFIX + backup.name(), backup.schedule(), backup,
        () -> Source.onWorker(context.vertx(), new BackupSource(backup))));
    backup.verify().ifPresent(verify -> specs.add(new SourceSpec(BackupVerifySource.PREFIX + backup.name(),
        BackupVerifySource.schedule(verify), List.of(backup, live),
        // The verification compares with the live database, so a signer_db change restarts it too.
        () -> new BackupVerifySource(context.vertx(), backup, live))));
    return specs;
  }
}
