package dev.apium.cli;

import dev.apium.worker.Worker;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the start-up's heap back when an {@code apium worker} process has had nothing to do since
 * it became ready: a second after "ready", if no task has arrived, one {@code System.gc()} compacts
 * what start-up left (parsed settings, connection set-up, the CLI) and G1 returns the regions it no
 * longer needs to the OS, about 20-30 MB of an idle worker's RSS. A worker that has work keeps its
 * heap as it is (G1's periodic collection, a launcher flag, shrinks it once the work stops). Only
 * the CLI's worker does this, never a worker embedded in an application; {@code
 * -Dapium.worker.settle=false} turns it off, and {@code -XX:+DisableExplicitGC} makes it a no-op.
 * Runs on its own daemon thread ({@code apium-settle}), which ends after that one check.
 */
final class StartupSettle {
  /** System property that turns the settle off ({@code false}). */
  static final String PROPERTY = "apium.worker.settle";

  /** How long a new worker must have been idle before the start-up's heap is collected. */
  static final Duration IDLE = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(StartupSettle.class);

  private StartupSettle() {}

  /** Starts the one check for a worker that has just become ready (unless turned off). */
  static void schedule(Worker worker) {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return;
    }
    Thread thread = new Thread(() -> settleIfIdle(worker), "apium-settle");
    thread.setDaemon(true);
    thread.start();
  }

  private static void settleIfIdle(Worker worker) {
    try {
      Thread.sleep(IDLE.toMillis());
    } catch (InterruptedException e) {
      return;
    }
    if (untouched(worker)) {
      long start = System.nanoTime();
      System.gc();
      log.debug(
          "Worker {} idle since start: heap compacted in {} ms",
          worker.nodename(),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  /** Whether the worker runs and has not received a single task yet. */
  static boolean untouched(Worker worker) {
    return worker.isRunning()
        && worker.counts().total() == 0
        && worker.active() == 0
        && worker.reserved() == 0
        && worker.scheduled() == 0;
  }
}
