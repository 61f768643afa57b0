package io.sbtc.exporter.core;

import java.util.List;

/**
 * Everything a scrape's exposition is computed from, read at one instant: each source's state
 * object and whether its snapshot is still fresh, and the derived metrics in force. Two
 * generations that are {@link #sameAs} give identical expositions, so the encoded bytes can be
 * reused until a poll publishes a new state, a snapshot turns stale, or a reload changes the sources
 * or ends.
 */
public final class Generation {
  private final List<SourceView> views;
  private final List<DerivedMetrics> derived;
  /** Null where nothing reloads (the one-shot check). */
  private final ConfigReloads reloads;

  Generation(List<SourceView> views, List<DerivedMetrics> derived, ConfigReloads reloads) {
    this.views = List.copyOf(views);
    this.derived = derived;
    this.reloads = reloads;
  }

  public List<SourceView> views() {
    return views;
  }

  List<DerivedMetrics> derived() {
    return derived;
  }

  ConfigReloads reloads() {
    return reloads;
  }

  /** Identity, not equality, of states: every poll publishes a new state object, so this is cheap and exact. */
  public boolean sameAs(Generation other) {
    if (other == null || other.derived != derived || other.reloads != reloads || other.views.size() != views.size()) {
      return false;
    }
    for (int i = 0; i < views.size(); i++) {
      SourceView a = views.get(i);
      SourceView b = other.views.get(i);
      if (a.state() != b.state() || a.fresh().isPresent() != b.fresh().isPresent()
          || !a.name().equals(b.name()) || !a.interval().equals(b.interval())) {
        return false;
      }
    }
    return true;
  }
}
