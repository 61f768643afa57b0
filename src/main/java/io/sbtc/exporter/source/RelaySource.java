package io.sbtc.exporter.source;

import io.sbtc.exporter.core.Poll;
import io.sbtc.exporter.core.Source;
import io.sbtc.exporter.core.SourceSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/** A source that relays one Prometheus page: the signer's, or the Stacks node's own. */
public final class RelaySource implements Source {
  private final Vertx vertx;
  private final UpstreamHttp http;
  private final URI url;
  private final PrometheusRelay relay;

  public RelaySource(Vertx vertx, URI url, Optional<Path> tlsCaFile, long maxBodySize, PrometheusRelay relay) {
    this.vertx = vertx;
    this.http = new UpstreamHttp(vertx, tlsCaFile, maxBodySize);
    this.url = url;
    this.relay = relay;
  }

  @Override
  public Future<SourceSnapshot> poll(Poll poll) {
    return relay.fetch(vertx, http, url, poll);
  }

  @Override
  public Future<Void> close() {
    return http.close();
  }
}
