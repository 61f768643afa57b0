package io.sbtc.exporter.source.signer;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.common.Redact;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.promtext.ParseException;
import io.sbtc.exporter.promtext.ParseResult;
import io.sbtc.exporter.promtext.TextFormatParser;
import io.sbtc.exporter.source.Metrics;
import io.sbtc.exporter.source.UpstreamHttp;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code signer_metrics}: relays every family of the signer's own Prometheus endpoint with its
 * names and labels unchanged (or with {@code relay_prefix}), plus how much of it was relayed.
 */
public final class SignerMetricsSource implements Source {
  public static final String NAME = "signer_metrics";

  private final Vertx vertx;
  private final UpstreamHttp http;
  private final URI url;
  private final SignerConfig config;

  public SignerMetricsSource(Vertx vertx, SignerConfig config) {
    this.vertx = vertx;
    this.http = new UpstreamHttp(vertx, config.tlsCaFile(), config.maxBodySize());
    this.url = config.metricsUrl().orElseThrow();
    this.config = config;
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    String where = Redact.url(url.toString());
    MultiMap accept = MultiMap.caseInsensitiveMultiMap().add("Accept", "text/plain;version=0.0.4");
    return http.get(url, accept, poll.deadline())
        // Parsing up to max_body_size of text is real work: keep it off the event loop.
        .compose(response -> vertx.executeBlocking(() -> relay(response.text(where), where), false));
  }

  private SourceSnapshot relay(String text, String where) {
    ParseResult parsed;
    try {
      parsed = TextFormatParser.parse(text, config.relayPrefix(), config.maxSeries());
    } catch (ParseException e) {
      if (e.tooLarge()) {
        throw new SourceException(ErrorReason.TOO_LARGE, "metrics from " + where + " have " + e.getMessage()
            + " (signer.max_series); nothing was relayed");
      }
      throw new SourceException(ErrorReason.PARSE, "metrics from " + where + " are not in the Prometheus text format: " + e.getMessage());
    }
    List<MetricSnapshot> families = new ArrayList<>(parsed.families());
    families.addAll(new Metrics()
        .gauge("sbtc_signer_metrics_relayed_series", "Series relayed from the signer's metrics endpoint in the latest poll.",
            parsed.seriesCount())
        .gauge("sbtc_signer_metrics_skipped_lines",
            "Lines of the signer's metrics endpoint that the latest poll could not relay (malformed, or clashing with another family).",
            parsed.skippedLines())
        .build());
    return SourceSnapshot.of(families);
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
