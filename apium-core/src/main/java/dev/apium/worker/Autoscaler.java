package dev.apium.worker;

import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --autoscale max,min}, as Celery's autoscaler: every tick it compares the demand (tasks
 * running plus tasks waiting for a thread) with the pool size; it grows the pool at once up to
 * {@code max} when busy, and shrinks it towards {@code min} once the demand has stayed below the
 * size for {@code keepAlive}. The bounds change at run time with {@link #update} (the {@code
 * autoscale} control command, from the mailbox thread). Owns one scheduler thread; {@link #close()}
 * stops it.
 */
final class Autoscaler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);

  private final TaskPool pool;
  private int min;
  private int max;
  private final long keepAliveNanos;
  private final ScheduledExecutorService scheduler;
  private long lastBusy = System.nanoTime();

  /** The worker's autoscaler for {@code --autoscale max,min} ({@code bounds = {max, min}}). */
  static Autoscaler of(TaskPool pool, int[] bounds, Duration keepAlive) {
    return new Autoscaler(pool, bounds[1], bounds[0], keepAlive, Duration.ofMillis(100));
  }

  Autoscaler(TaskPool pool, int min, int max, Duration keepAlive, Duration tick) {
    this.pool = pool;
    this.min = min;
    this.max = max;
    this.keepAliveNanos = keepAlive.toNanos();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-autoscale"));
    pool.autoscaledBy(this);
    long every = Math.max(10, tick.toMillis());
    scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Celery's {@code Autoscaler.update} (the {@code autoscale} control command): a new {@code max}
   * below the pool size shrinks it at once, a new {@code min} above it grows it at once; null keeps
   * a bound. Returns {@code [max, min]} now in force.
   *
   * @throws IllegalArgumentException if a bound is below 1 or max would be below min
   */
  synchronized int[] update(Integer newMax, Integer newMin) {
    int nextMax = newMax == null ? max : newMax;
    int nextMin = newMin == null ? min : newMin;
    if (nextMax < 1 || nextMin < 1 || nextMax < nextMin) {
      throw new IllegalArgumentException(
          "autoscale needs 1 <= min <= max, got max="
              + nextMax
              + " min="
              + nextMin
              + ": pass both, e.g. autoscale 8 2");
    }
    max = nextMax;
    min = nextMin;
    int size = pool.size();
    if (size > max) {
      log.info("Autoscale: max now {}, shrinking pool from {}", max, size);
      pool.resize(max);
    } else if (size < min) {
      log.info("Autoscale: min now {}, growing pool from {}", min, size);
      pool.resize(min);
    }
    return new int[] {max, min};
  }

  private synchronized void tick() {
    try {
      int demand = pool.active() + pool.waiting();
      int size = pool.size();
      long now = System.nanoTime();
      if (demand >= size) {
        lastBusy = now;
      }
      if (demand > size && size < max) {
        int grown = Math.min(max, demand);
        log.info("Autoscale: growing pool from {} to {} thread(s)", size, grown);
        pool.resize(grown);
      } else if (demand < size && size > min && now - lastBusy >= keepAliveNanos) {
        int shrunk = Math.max(min, demand);
        log.info("Autoscale: shrinking pool from {} to {} thread(s)", size, shrunk);
        pool.resize(shrunk);
        lastBusy = now;
      }
    } catch (RuntimeException e) {
      log.warn("Autoscale tick failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
