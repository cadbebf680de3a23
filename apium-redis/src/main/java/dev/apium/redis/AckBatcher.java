package dev.apium.redis;

import dev.apium.spi.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's asynchronous acks: {@link #ack} queues a delivery tag and returns at once; one flusher
 * thread ({@code apium-redis-acks}) takes everything queued and writes it as one {@code ZREM
 * unacked_index tags...} + {@code HDEL unacked tags...} pair, then takes whatever queued up
 * meanwhile (natural batching, no timer). A failed write is retried every half second with the same
 * tags plus the new ones, logged once per outage. An ack that is never written (Redis gone for
 * good, or the process killed first) leaves its message in {@code unacked}, where the next restore
 * of stale entries puts it back after {@code visibility_timeout}: delivery stays at-least-once.
 * Called from any thread that settles a delivery; {@link #close()} (the broker's close) writes what
 * is queued before it returns, and acks that arrive later are written directly by their caller.
 */
final class AckBatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AckBatcher.class);
  private static final long RETRY_MILLIS = 500;

  private final Consumer<List<String>> writer;
  private final String where;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition queued = lock.newCondition();
  private final Thread thread;
  private List<String> pending = new ArrayList<>();
  private boolean idle;
  private boolean stopping;
  private boolean abandoned;
  private int unwritten;

  /**
   * @param writer writes a batch of tags or throws ({@link UnackedLedger#ack}), on the flusher
   *     thread or, after close, the caller's
   * @param where the server, for log lines
   */
  AckBatcher(Consumer<List<String>> writer, String where) {
    this.writer = writer;
    this.where = where;
    this.thread = Threads.daemon("apium-redis-acks", this::loop);
    thread.start();
  }

  /** Queues the tag for the next write; after {@link #close()}, writes it now (failures logged). */
  void ack(String tag) {
    lock.lock();
    try {
      if (!stopping) {
        pending.add(tag);
        if (idle) {
          idle = false;
          queued.signal();
        }
        return;
      }
    } finally {
      lock.unlock();
    }
    try {
      writer.accept(List.of(tag));
    } catch (RuntimeException e) {
      LOG.warn(
          "ack of {} after close could not be written to Redis at {} ({}); the message is"
              + " redelivered after the visibility timeout",
          tag,
          where,
          e.getMessage());
    }
  }

  private void loop() {
    List<String> batch = new ArrayList<>();
    boolean failing = false;
    while (true) {
      lock.lock();
      try {
        while (pending.isEmpty() && batch.isEmpty() && !stopping) {
          idle = true;
          queued.awaitUninterruptibly();
        }
        idle = false;
        if (abandoned || (stopping && pending.isEmpty() && batch.isEmpty())) {
          return;
        }
        if (batch.isEmpty()) {
          List<String> taken = pending;
          pending = batch;
          batch = taken;
        } else {
          batch.addAll(pending);
          pending.clear();
        }
      } finally {
        lock.unlock();
      }
      try {
        writer.accept(batch);
        batch.clear();
        if (failing) {
          LOG.info("acks are written to Redis at {} again", where);
          failing = false;
        }
      } catch (RuntimeException e) {
        if (abandoned()) {
          LOG.warn(
              "{} ack(s) being written when the broker closed with Redis at {} down stay in"
                  + " unacked; those tasks run again once given back",
              batch.size(),
              where);
          return;
        }
        if (!failing) {
          LOG.warn(
              "acks could not be written to Redis at {} ({}); retrying every {} ms",
              where,
              e.getMessage(),
              RETRY_MILLIS);
          failing = true;
        }
        if (!pauseBeforeRetry()) {
          int lost = batch.size() + pendingCount();
          lost(lost);
          LOG.warn(
              "{} ack(s) could not be written before close; those messages stay in unacked and"
                  + " run again once given back",
              lost);
          return;
        }
      }
    }
  }

  /**
   * Waits before a retry; false when the batcher was already closing, so the failed write was the
   * last try. A close during the wait ends it early for one last try.
   */
  private boolean pauseBeforeRetry() {
    lock.lock();
    try {
      if (stopping) {
        return false;
      }
      queued.await(RETRY_MILLIS, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void lost(int count) {
    lock.lock();
    try {
      unwritten = count;
    } finally {
      lock.unlock();
    }
  }

  private boolean abandoned() {
    lock.lock();
    try {
      return abandoned;
    } finally {
      lock.unlock();
    }
  }

  private int pendingCount() {
    lock.lock();
    try {
      int n = pending.size();
      pending.clear();
      return n;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops taking acks and waits until everything queued is written (or its last try failed), at
   * most the command timeout and a little; later acks are written directly by their caller.
   */
  @Override
  public void close() {
    closeAndCount();
  }

  /** {@link #close()}, returning how many queued acks could not be written. */
  int closeAndCount() {
    lock.lock();
    try {
      stopping = true;
      queued.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(RedisConnector.COMMAND_TIMEOUT.toMillis() + 5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      return thread.isAlive() ? unwritten + pending.size() : unwritten;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drops what is queued, as {@code kill -9} would: those messages are redelivered later. Returns
   * how many acks were dropped (a batch being written now is logged by the flusher if it fails).
   */
  int abandon() {
    lock.lock();
    try {
      stopping = true;
      abandoned = true;
      int dropped = pending.size();
      pending.clear();
      queued.signal();
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
