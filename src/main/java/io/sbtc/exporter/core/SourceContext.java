package io.sbtc.exporter.core;

import io.vertx.core.Vertx;
import java.time.Clock;

/** What a source package's factory may use to make its sources. */
public record SourceContext(Vertx vertx, Clock clock) {}
