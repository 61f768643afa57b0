package io.sbtc.exporter.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way tests wait: for a condition, never for time. Checks the condition until it holds or
 * a deadline passes, then fails saying what it waited for and what it saw last.
 *
 * <p>Timeouts are generous (the suite runs on busy two-core machines) and only bound a failure:
 * a passing test never waits for them.
 */
public final class Await {
  /** Between two checks; short, so a condition met is seen at once, long enough not to busy-spin. */
  private static final Duration PAUSE = Duration.ofMillis(25);

  private Await() {}

  /** A check that may throw (an HTTP call, a query); a throw counts as "not yet". */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  /** Waits until {@code condition} is true. */
  public static void until(String what, Duration timeout, Probe<Boolean> condition) {
    until(what, timeout, condition, Boolean.TRUE::equals, () -> "");
  }

  /**
   * Takes {@code probe} until its value satisfies {@code done}, and returns that value. An
   * {@link AssertionError} from the probe ends the wait at once (e.g. "the process exited"); any
   * other exception is remembered and shown if the wait fails.
   *
   * @param what what is awaited, in words: the failure message starts with it
   * @param context more to show on failure (a process's log, a thread dump), read only then
   */
  public static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done, Supplier<String> context) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<T> last = Optional.empty();
    Exception lastError = null;
    int checks = 0;
    while (true) {
      checks++;
      try {
        T value = probe.get();
        if (done.test(value)) {
          return value;
        }
        last = Optional.ofNullable(value);
        lastError = null;
      } catch (AssertionError e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() >= deadline) {
        break;
      }
      pause();
    }
    StringBuilder message = new StringBuilder("gave up waiting for ").append(what).append(" after ").append(timeout.toSeconds())
        .append("s (").append(checks).append(" checks)");
    if (lastError != null) {
      message.append("; the last check failed: ").append(lastError);
    } else {
      message.append("; last seen:\n").append(last.map(String::valueOf).orElse("(nothing)"));
    }
    String more = context.get();
    if (!more.isEmpty()) {
      message.append('\n').append(more);
    }
    throw new AssertionError(message.toString(), lastError);
  }

  /**
   * "the condition at FooTest.java:42": the line of the test that asked to wait, for waits whose
   * callers give no description; that line says what was awaited.
   */
  public static String caller() {
    return StackWalker.getInstance().walk(frames -> frames
        .filter(f -> !f.getClassName().startsWith(Await.class.getPackageName() + "."))
        .findFirst()
        .map(f -> "the condition at " + f.getFileName() + ":" + f.getLineNumber())
        .orElse("a condition"));
  }

  private static void pause() {
    try {
      // The pause between two checks of a condition: the only sleep tests need, and never a wait for time to pass.
      Thread.sleep(PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
