package io.sbtc.exporter.source;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.sbtc.exporter.common.Redact;
import io.sbtc.exporter.core.ErrorReason;
import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.SourceException;
import io.sbtc.exporter.core.SourceSnapshot;
import io.sbtc.exporter.promtext.ParseException;
import io.sbtc.exporter.promtext.ParseResult;
import io.sbtc.exporter.promtext.TextFormatParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Relays a Prometheus text page as it is (names and labels unchanged, or behind a prefix), plus
 * two families of our own that say how much of it was relayed. Parsing is real work for a big page:
 * call it on a worker.
 *
 * @param upstream who serves the page, for help texts ("the signer", "the Stacks node")
 * @param metricPrefix our own families' prefix, e.g. {@code sbtc_signer_metrics}
 * @param maxSeriesKey the config key that bounds the page, named in the error when it is too large
 */
public record PrometheusRelay(String upstream, String metricPrefix, String maxSeriesKey, String relayPrefix, int maxSeries) {

  /** Reads the page at {@code url} within the poll's deadline and relays it, parsing on a worker. */
  public Future<SourceSnapshot> fetch(Vertx vertx, UpstreamHttp http, URI url, Poll poll) {
    String where = Redact.url(url.toString());
    MultiMap accept = MultiMap.caseInsensitiveMultiMap().add("Accept", "text/plain;version=0.0.4");
    return http.get(url, accept, poll.deadline())
        .compose(response -> vertx.executeBlocking(() -> relay(response.text(where), where), false));
  }

  public SourceSnapshot relay(String text, String where) {
    ParseResult parsed;
    try {
      parsed = TextFormatParser.parse(text, relayPrefix, maxSeries);
    } catch (ParseException e) {
      if (e.tooLarge()) {
        throw new SourceException(ErrorReason.TOO_LARGE, "metrics from " + where + " have " + e.getMessage()
            + " (" + maxSeriesKey + "); nothing was relayed");
      }
      throw new SourceException(ErrorReason.PARSE, "metrics from " + where + " are not in the Prometheus text format: " + e.getMessage());
    }
    List<MetricSnapshot> families = new ArrayList<>(parsed.families());
    families.addAll(new Metrics()
        .gauge(metricPrefix + "_relayed_series", "Series relayed from " + upstream + "'s metrics endpoint in the latest poll.",
            parsed.seriesCount())
        .gauge(metricPrefix + "_skipped_lines",
            "Lines of " + upstream + "'s metrics endpoint that the latest poll could not relay (malformed, or clashing with another family).",
            parsed.skippedLines())
        .build());
    return SourceSnapshot.of(families);
  }
}
