package io.sbtc.exporter.soak;

import io.sbtc.exporter.soak.FaultyUpstream.Mode;
import io.sbtc.exporter.soak.Soak.Flip;
import io.sbtc.exporter.soak.Soak.Reload;
import io.sbtc.exporter.soak.Soak.ScrapeResult;
import io.sbtc.exporter.soak.Soak.Timeline;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a soak {@link Timeline} shows, checked against the promises: no scrape fails or takes over
 * 100 ms; {@code sbtc_exporter_source_up} follows each upstream within two poll intervals; threads,
 * open files and live heap do not grow; no secret reaches the log or a page; every reload is
 * applied or refused, none lost.
 */
final class SoakReport {
  static final double SCRAPE_LIMIT_MS = 100;
  static final double FOLLOW_WITHIN_S = 2 * Soak.INTERVAL.toMillis() / 1000.0;
  /** Growth allowed between the first and the last sample: noise, not a leak (the JIT's threads come and go). */
  static final int THREAD_SLACK = 3;
  /**
   * Pools that start threads as work comes and stop at a fixed size (Vert.x defaults: 20 workers,
   * two event loops per core), by their names as /proc shows them: warming up is not growing.
   */
  static final Map<String, Integer> POOL_CAPS = Map.of(
      "vert.x-worker-t", 20,
      "vert.x-eventloo", 2 * Runtime.getRuntime().availableProcessors());
  static final long FD_SLACK = 6;
  static final double HEAP_SLACK = 1.25;

  private final Timeline t;
  private final List<String> violations = new ArrayList<>();
  private final Map<Mode, Double> slowestFollow = new EnumMap<>(Mode.class);
  private int mismatches;
  private int slowHealthyPolls;

  SoakReport(Timeline timeline) {
    this.t = timeline;
    checkScrapes();
    checkFollow();
    checkReloads();
    checkResources();
    checkSecrets();
  }

  List<String> violations() {
    return violations;
  }

  private List<ScrapeResult> duringChaos() {
    return t.scrapes().stream().filter(s -> s.at() >= t.chaosFrom() && s.at() <= t.chaosUntil()).toList();
  }

  /** Scrapes that overlapped the soak's own measurement (a forced full GC): reported apart, not held against the exporter. */
  private boolean measuring(ScrapeResult s) {
    return t.measuring().stream().anyMatch(w -> w.overlaps(s));
  }

  private long slowAloneAllowed(long controlAlone) {
    return 2 * controlAlone + Math.round(3 * (t.chaosUntil() - t.chaosFrom()) / 60);
  }

  private static boolean overlap(ScrapeResult a, ScrapeResult b) {
    return a.at() <= b.at() + b.millis() / 1000 && a.at() + a.millis() / 1000 >= b.at();
  }

  /** A slow request of {@code s}'s kind that the other list shows no stall beside. */
  private static boolean aloneSlow(ScrapeResult s, List<ScrapeResult> other) {
    return other.stream().noneMatch(o -> o.millis() > SCRAPE_LIMIT_MS / 2 && overlap(o, s));
  }

  /** Slow scrapes of {@code mine} from the first fault on, outside the soak's forced GCs, with no stall in {@code other} beside them. */
  private List<ScrapeResult> slowAlone(List<ScrapeResult> mine, List<ScrapeResult> other) {
    return mine.stream().filter(s -> s.failure() == null && s.millis() > SCRAPE_LIMIT_MS && s.at() >= t.chaosFrom()
        && s.at() <= t.chaosUntil() && !measuring(s) && aloneSlow(s, other)).toList();
  }

  /**
   * Every scrape must succeed, and from the first fault on none may take over 100 ms unless the
   * host explains it. On a shared, busy host processes stall at random, one at a time. The control
   * is the same exporter with the same flags and sources, its upstreams healthy all along, scraped
   * at the same moments: it shows how often the host alone makes one of two like processes slow
   * while the other is fine. The exporter under faults may be slow alone twice as often as the
   * control, plus 3 times a minute (1 scrape in 400) for chance; one whose scrapes waited on a
   * hanging upstream, a reload or a poll would be slow alone dozens of times a minute.
   */
  private void checkScrapes() {
    for (ScrapeResult s : t.scrapes()) {
      if (s.failure() != null) {
        violations.add(String.format("scrape at %.2fs failed: %s", s.at(), s.failure()));
      }
    }
    List<ScrapeResult> exporterAlone = slowAlone(t.scrapes(), t.control());
    List<ScrapeResult> controlAlone = slowAlone(t.control(), t.scrapes());
    if (exporterAlone.size() > slowAloneAllowed(controlAlone.size())) {
      violations.add(String.format("the exporter was slow (over %.0f ms) while the control was not %d times, the control alone %d times"
          + " (allowed: %d): %s", SCRAPE_LIMIT_MS, exporterAlone.size(), controlAlone.size(), slowAloneAllowed(controlAlone.size()),
          exporterAlone.stream()
              .map(s -> String.format("%.2fs %.0f ms", s.at(), s.millis())).toList()));
    }
    ScrapeResult last = t.scrapes().get(t.scrapes().size() - 1);
    for (String source : Soak.SOURCES) {
      if (last.up().getOrDefault(source, 0.0) != 1.0) {
        violations.add("after the faults stopped, " + source + " was not up again: " + last.up());
      }
    }
  }

  /**
   * At every scrape, each source's up must match its upstream, unless the upstream switched (or the
   * source was replaced by a reload) less than two intervals before. One case is told apart: a
   * healthy upstream shown down while the source's timeout count rose within those two intervals.
   * The exporter then follows what its polls see, and what they see is a slow answer, which a busy
   * host makes of the relay and the demo upstreams now and then: reported, not a violation. A source
   * stuck on an old state would count no new timeouts.
   */
  private void checkFollow() {
    for (String source : Soak.SOURCES) {
      List<Flip> flips = t.flips().stream().filter(f -> f.source().equals(source)).toList();
      for (ScrapeResult s : duringChaos()) {
        if (s.failure() != null) {
          continue;
        }
        Optional<Flip> last = flips.stream().filter(f -> f.at() <= s.at()).reduce((a, b) -> b);
        Mode mode = last.map(Flip::mode).orElse(Mode.HEALTHY);
        double since = s.at() - Math.max(last.map(Flip::at).orElse(t.chaosFrom()), lastReplacement(source, s.at()));
        double expected = mode == Mode.HEALTHY ? 1.0 : 0.0;
        Double up = s.up().get(source);
        if (up == null || up != expected) {
          if (since > FOLLOW_WITHIN_S && expected == 1.0 && timedOutLately(source, s)) {
            slowHealthyPolls++;
          } else if (since > FOLLOW_WITHIN_S) {
            mismatches++;
            violations.add(String.format("%s: up=%s at %.2fs, %.2fs after its upstream became %s", source, up, s.at(), since, mode));
          }
        }
      }
      for (int i = 0; i < flips.size(); i++) {
        Flip f = flips.get(i);
        double until = i + 1 < flips.size() ? flips.get(i + 1).at() : t.chaosUntil();
        double expected = f.mode() == Mode.HEALTHY ? 1.0 : 0.0;
        duringChaos().stream().filter(s -> s.at() >= f.at() && s.at() < until && s.failure() == null)
            .filter(s -> s.up().getOrDefault(source, -1.0) == expected).findFirst()
            .ifPresent(s -> slowestFollow.merge(f.mode(), s.at() - f.at(), Math::max));
      }
    }
  }

  private boolean timedOutLately(String source, ScrapeResult s) {
    double now = s.timeouts().getOrDefault(source, 0.0);
    return t.scrapes().stream().filter(x -> x.failure() == null && x.at() >= s.at() - FOLLOW_WITHIN_S && x.at() < s.at())
        .findFirst().map(x -> x.timeouts().getOrDefault(source, 0.0) < now).orElse(false);
  }

  /** Valid reloads alternate Bitcoin's timeout, so each one replaces the bitcoin source. */
  private double lastReplacement(String source, double at) {
    if (!source.equals("bitcoin")) {
      return Double.NEGATIVE_INFINITY;
    }
    return t.reloads().stream().filter(r -> r.valid() && r.at() <= at).mapToDouble(Reload::at).max().orElse(Double.NEGATIVE_INFINITY);
  }

  private void checkReloads() {
    long valid = t.reloads().stream().filter(Reload::valid).count();
    long invalid = t.reloads().size() - valid;
    long received = count("SIGHUP received");
    long applied = count("msg=\"config reloaded\"");
    long refused = count("config not reloaded");
    if (received != t.reloads().size() || applied != valid || refused != invalid) {
      violations.add("reloads: sent " + t.reloads().size() + " (" + valid + " valid), the log shows " + received + " received, "
          + applied + " applied, " + refused + " refused");
    }
  }

  private long count(String text) {
    return t.log().lines().filter(l -> l.contains(text)).count();
  }

  private void checkResources() {
    List<ProcessResources.Sample> r = t.resources();
    ProcessResources.Sample first = r.get(0);
    ProcessResources.Sample last = r.get(r.size() - 1);
    Map<String, Integer> grown = grown(first.threadNames(), last.threadNames());
    int unbounded = 0;
    for (Map.Entry<String, Integer> g : grown.entrySet()) {
      Integer cap = POOL_CAPS.get(g.getKey());
      if (cap == null) {
        unbounded += g.getValue();
      } else if (last.threadNames().get(g.getKey()) > cap) {
        violations.add("thread pool " + g.getKey() + " holds " + last.threadNames().get(g.getKey()) + " threads, more than its " + cap);
      }
    }
    if (unbounded > THREAD_SLACK) {
      violations.add("threads grew from " + first.threads() + " to " + last.threads() + ": " + grown);
    }
    if (last.fds() > first.fds() + FD_SLACK) {
      violations.add("open file descriptors grew from " + first.fds() + " to " + last.fds());
    }
    if (last.liveHeapKiB() > first.liveHeapKiB() * HEAP_SLACK + 1024) {
      violations.add("live heap grew from " + first.liveHeapKiB() + " KiB to " + last.liveHeapKiB() + " KiB");
    }
  }

  private static Map<String, Integer> grown(Map<String, Integer> before, Map<String, Integer> after) {
    Map<String, Integer> grown = new java.util.TreeMap<>();
    after.forEach((name, n) -> {
      int was = before.getOrDefault(name, 0);
      if (n > was) {
        grown.put(name, n - was);
      }
    });
    return grown;
  }

  private void checkSecrets() {
    for (String secret : t.secrets()) {
      t.log().lines().filter(l -> l.contains(secret)).findFirst().ifPresent(l -> violations.add("a secret in the log: " + l));
      if (t.pages().stream().anyMatch(p -> p.contains(secret))) {
        violations.add("a secret in a scraped page or the landing page");
      }
    }
  }

  String markdown() {
    List<Double> ms = t.scrapes().stream().filter(s -> s.failure() == null).map(ScrapeResult::millis).sorted().toList();
    StringBuilder out = new StringBuilder();
    out.append(String.format("Soak: %ds of faults (seed %d), exporter JVM flags `%s`%n%n", t.duration().toSeconds(), t.seed(), t.jvmFlags()));
    out.append("| What | Result |\n|---|---|\n");
    row(out, "Scrapes", String.format("%d (%.1f/s), %d failed, %d over %.0f ms", t.scrapes().size(),
        t.scrapes().size() / Math.max(1, t.chaosUntil()), t.scrapes().stream().filter(s -> s.failure() != null).count(),
        ms.stream().filter(m -> m > SCRAPE_LIMIT_MS).count(), SCRAPE_LIMIT_MS));
    row(out, "Scrape latency", String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", pct(ms, 0.50), pct(ms, 0.99), pct(ms, 1.0)));
    List<Double> controlMs = t.control().stream().filter(s -> s.failure() == null).map(ScrapeResult::millis).sorted().toList();
    row(out, "Control: the same exporter, upstreams healthy, scraped beside it", String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d over %.0f ms",
        pct(controlMs, 0.50), pct(controlMs, 0.99), pct(controlMs, 1.0), controlMs.stream().filter(m -> m > SCRAPE_LIMIT_MS).count(),
        SCRAPE_LIMIT_MS));
    List<ScrapeResult> slow = t.scrapes().stream().filter(s -> s.failure() == null && s.millis() > SCRAPE_LIMIT_MS).toList();
    row(out, "Exporter scrapes over " + (int) SCRAPE_LIMIT_MS + " ms", String.format(
        "%d in all: %d before the faults began (cold JVM), %d during the soak's forced GCs, %d with the control slow too, %d alone"
            + " (the control was slow alone %d times; allowed alone: %d)",
        slow.size(), slow.stream().filter(s -> s.at() < t.chaosFrom()).count(),
        slow.stream().filter(s -> s.at() >= t.chaosFrom() && measuring(s)).count(),
        slow.stream().filter(s -> s.at() >= t.chaosFrom() && !measuring(s) && !aloneSlow(s, t.control())).count(),
        slowAlone(t.scrapes(), t.control()).size(), slowAlone(t.control(), t.scrapes()).size(),
        slowAloneAllowed(slowAlone(t.control(), t.scrapes()).size())));
    List<ScrapeResult> overlapped = t.scrapes().stream().filter(s -> s.failure() == null && measuring(s)).toList();
    row(out, "Scrapes during the soak's own forced full GCs (" + t.measuring().size() + ")", String.format("%d, max %.1f ms",
        overlapped.size(), overlapped.stream().mapToDouble(ScrapeResult::millis).max().orElse(0)));
    Map<Mode, Long> byMode = new EnumMap<>(Mode.class);
    t.flips().forEach(f -> byMode.merge(f.mode(), 1L, Long::sum));
    row(out, "Upstream switches", t.flips().size() + " " + byMode);
    StringBuilder follow = new StringBuilder();
    slowestFollow.forEach((mode, s) -> follow.append(String.format("%s %.2fs; ", mode, s)));
    row(out, "sbtc_exporter_source_up followed (slowest, per new state)", follow + "limit " + FOLLOW_WITHIN_S + "s; " + mismatches
        + " late; " + slowHealthyPolls + " scrapes showed a healthy upstream down after a poll of it timed out (a busy host)");
    long valid = t.reloads().stream().filter(Reload::valid).count();
    row(out, "Reloads (SIGHUP)", String.format("%d sent: %d valid applied, %d invalid refused (log: %d applied, %d refused)",
        t.reloads().size(), valid, t.reloads().size() - valid, count("msg=\"config reloaded\""), count("config not reloaded")));
    ProcessResources.Sample first = t.resources().get(0);
    ProcessResources.Sample last = t.resources().get(t.resources().size() - 1);
    row(out, "Threads", range(t.resources().stream().mapToLong(ProcessResources.Sample::threads).toArray(), first.threads(), last.threads())
        + "; new at the end: " + grown(first.threadNames(), last.threadNames()));
    row(out, "Open file descriptors", range(t.resources().stream().mapToLong(ProcessResources.Sample::fds).toArray(), first.fds(), last.fds()));
    row(out, "Live heap after a full GC (KiB)",
        range(t.resources().stream().mapToLong(ProcessResources.Sample::liveHeapKiB).toArray(), first.liveHeapKiB(), last.liveHeapKiB()));
    row(out, "Log lines / secrets found", t.log().lines().count() + " / " + (violations.stream().anyMatch(v -> v.contains("secret")) ? "FOUND" : "0"));
    out.append(violations.isEmpty() ? "\nNo violations.\n" : "\nViolations (" + violations.size() + "), times in seconds since the exporter"
        + " was ready (the run's directory has the exporter's log, its GC and safepoint log, and a thread dump of each stall over 500 ms):\n");
    violations.stream().limit(50).forEach(v -> out.append("- ").append(v).append('\n'));
    return out.toString();
  }

  private static void row(StringBuilder out, String what, String result) {
    out.append("| ").append(what).append(" | ").append(result).append(" |\n");
  }

  private static String range(long[] values, long first, long last) {
    long max = java.util.Arrays.stream(values).max().orElse(0);
    return "first " + first + ", last " + last + ", max " + max + " (" + values.length + " samples)";
  }

  private static double pct(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1 < 0 ? 0 : (int) Math.ceil(p * sorted.size()) - 1));
  }
}
