package io.sbtc.exporter.source.audit;

import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceContext;
import io.sbtc.exporter.core.SourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The {@code audit:} section's sources, one per audit it sets up; each reads local files, on a worker. */
public final class AuditSources {
  private AuditSources() {}

  public static List<SourceSpec> specs(AuditConfig config, SourceContext context) {
    List<SourceSpec> specs = new ArrayList<>();
    if (!config.files().isEmpty()) {
      specs.add(spec(FileModeAudit.NAME, config, context, () -> new FileModeAudit(config.files())));
    }
    config.listeners().ifPresent(l -> specs.add(spec(ListenerAudit.NAME, config, context, () -> new ListenerAudit(l))));
    config.ssh().ifPresent(ssh -> specs.add(spec(SshdAudit.NAME, config, context, () -> new SshdAudit(ssh))));
    return specs;
  }

  private static SourceSpec spec(String name, AuditConfig config, SourceContext context, Supplier<Source.Blocking> audit) {
    return new SourceSpec(name, config.schedule(), config, () -> Source.onWorker(context.vertx(), audit.get()));
  }
}
