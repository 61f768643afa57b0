package io.sbtc.exporter.http;

import java.time.Duration;

/**
 * POST /-/reload re-reads the config and secret files and may restart sources: one at a time, and
 * at most one started per {@link #MIN_INTERVAL}, however many requests come. SIGHUP and the web
 * config watch do not pass here.
 */
final class ReloadGate {
  static final Duration MIN_INTERVAL = Duration.ofSeconds(1);

  private boolean running;
  private long lastStart;
  private boolean started;

  synchronized boolean tryStart(long nanoTime) {
    if (running || (started && nanoTime - lastStart < MIN_INTERVAL.toNanos())) {
      return false;
    }
    running = true;
    started = true;
    lastStart = nanoTime;
    return true;
  }

  synchronized void finished() {
    running = false;
  }
}
