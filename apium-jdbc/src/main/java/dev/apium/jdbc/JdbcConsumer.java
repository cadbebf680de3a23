package dev.apium.jdbc;

import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code consume()} call: a daemon thread that claims ready rows in batches up to the free
 * prefetch, turns them into deliveries and hands them to the handler. It sleeps until woken by a
 * notification (PostgreSQL NOTIFY, or a local SQLite write), a settled delivery, or its poll
 * interval: on SQLite, where other processes cannot push, it polls from 20 ms backing off to 200 ms
 * while idle; on PostgreSQL the poll is a 2 s safety net. Queues take turns starting the claim
 * round so none starves. A handler that throws gets the message requeued once, then dead-lettered,
 * so a bug cannot spin. {@link #close()} stops the thread; handed-out deliveries stay the
 * handler's.
 */
final class JdbcConsumer implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(JdbcConsumer.class);
  static final int MAX_BATCH = 100;

  private final JdbcBroker broker;
  private final List<String> queues;
  private final Consumer<Delivery> handler;
  private final Signal signal = new Signal();
  private final Map<Long, JdbcDelivery> outstanding = new ConcurrentHashMap<>();
  private final Runnable unlisten;
  private final Thread thread;
  private final long minPoll;
  private final long maxPoll;
  private volatile int prefetch;
  private volatile boolean running = true;
  private int turn;

  JdbcConsumer(JdbcBroker broker, List<String> queues, int prefetch, Consumer<Delivery> handler) {
    this.broker = broker;
    this.queues = List.copyOf(queues);
    this.prefetch = prefetch;
    this.handler = handler;
    boolean push = broker.notifier.crossProcess();
    this.minPoll = push ? 2_000 : 20;
    this.maxPoll = push ? 2_000 : 200;
    this.unlisten =
        broker.notifier.listen(
            broker.messagesChannel,
            queue -> {
              if (queue == null || queue.isEmpty() || this.queues.contains(queue)) {
                signal.raise();
              }
            });
    this.thread = Threads.daemon("apium-jdbc-consumer-" + String.join(",", queues), this::loop);
    thread.start();
  }

  private void loop() {
    long idle = minPoll;
    while (running) {
      try {
        broker.restoreIfDue();
        int free = free();
        int got = free > 0 ? claimRound(free) : 0;
        if (got > 0 && free() > 0) {
          idle = minPoll;
          continue;
        }
        boolean woken = signal.await(got > 0 ? maxPoll : idle);
        idle = woken || got > 0 ? minPoll : Math.min(idle * 2, maxPoll);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        log.warn("consumer of {} on {}: {}", queues, broker.describe(), e.getMessage());
        try {
          signal.await(maxPoll * 5);
        } catch (InterruptedException interrupted) {
          break;
        }
      }
    }
  }

  private int free() {
    int bound = prefetch;
    return bound <= 0 ? MAX_BATCH : Math.min(MAX_BATCH, bound - outstanding.size());
  }

  private int claimRound(int free) {
    int got = 0;
    int start = turn++ % queues.size();
    for (int i = 0; i < queues.size() && free > 0 && running; i++) {
      String queue = queues.get((start + i) % queues.size());
      for (MessageStore.Row row : broker.claim(queue, free)) {
        got++;
        free--;
        deliver(row);
      }
    }
    return got;
  }

  private void deliver(MessageStore.Row row) {
    JdbcDelivery delivery;
    try {
      delivery = new JdbcDelivery(broker, this, row, broker.decode(row));
    } catch (RuntimeException e) {
      log.warn("dead-lettering malformed row {} of {}: {}", row.id(), row.queue(), e.getMessage());
      broker.settleDead(row, "malformed message: " + e.getMessage());
      return;
    }
    outstanding.put(row.id(), delivery);
    try {
      handler.accept(delivery);
    } catch (RuntimeException e) {
      if (delivery.redelivered()) {
        log.warn("handler of {} failed again; dead-lettering message {}", row.queue(), row.id(), e);
        delivery.deadLetter("consumer handler failed: " + e);
      } else {
        log.warn("handler of {} failed; requeueing message {}", row.queue(), row.id(), e);
        delivery.reject(true);
      }
    }
  }

  void settled(JdbcDelivery delivery) {
    outstanding.remove(delivery.id(), delivery);
    signal.raise();
  }

  @Override
  public void setPrefetch(int prefetch) {
    this.prefetch = prefetch;
    signal.raise();
  }

  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    unlisten.run();
    signal.raise();
    broker.forget(this);
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@link #close()} was called. */
  boolean closed() {
    return !running;
  }
}
