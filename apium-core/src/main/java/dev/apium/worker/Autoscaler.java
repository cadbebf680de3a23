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
 * size for {@code keepAlive}. Owns one scheduler thread; {@link #close()} stops it.
 */
final class Autoscaler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Autoscaler.class);

  private final TaskPool pool;
  private final int min;
  private final int max;
  private final long keepAliveNanos;
  private final ScheduledExecutorService scheduler;
  private long lastBusy = System.nanoTime();

  Autoscaler(TaskPool pool, int min, int max, Duration keepAlive, Duration tick) {
    this.pool = pool;
    this.min = min;
    this.max = max;
    this.keepAliveNanos = keepAlive.toNanos();
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-autoscale"));
    long every = Math.max(10, tick.toMillis());
    scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  private void tick() {
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
