package dev.apium.internal;

import dev.apium.spi.BrokerException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a broker or backend call that failed with a {@link BrokerException} (the server is
 * restarting, a connection reset) with exponential backoff until a time budget is spent, so a short
 * outage delays a result, an ack or a retry message instead of losing it or failing the task. Any
 * other exception passes straight through. Called on pool threads; the wait between tries is the
 * only blocking, and an interrupt (cold shutdown) ends it at once. Internal plumbing of Apium, not
 * API: it may change in any release.
 */
public final class TransientRetry {
  private static final Logger log = LoggerFactory.getLogger(TransientRetry.class);
  private static final long FIRST_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 2000;

  private TransientRetry() {}

  public static void run(String what, Duration budget, Runnable action) {
    run(() -> what, budget, action);
  }

  /**
   * As {@link #run(String, Duration, Runnable)}, naming the call only when it must be logged: for
   * calls made once per task, whose first try almost always succeeds.
   */
  public static void run(Supplier<String> what, Duration budget, Runnable action) {
    long deadline = System.nanoTime() + budget.toNanos();
    long backoff = FIRST_BACKOFF_MS;
    int attempt = 0;
    while (true) {
      try {
        action.run();
        if (attempt > 0) {
          log.info("{} succeeded after {} retr{}", what.get(), attempt, attempt == 1 ? "y" : "ies");
        }
        return;
      } catch (BrokerException e) {
        if (System.nanoTime() + backoff * 1_000_000 > deadline) {
          throw e;
        }
        if (attempt++ % 10 == 0) {
          log.warn(
              "{} failed ({}); retrying with backoff for up to {} s",
              what.get(),
              e.getMessage(),
              budget.toSeconds());
        }
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }
}
