package dev.apium.memory;

import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer of several queues with a prefetch bound. Its own daemon thread waits on the shared
 * {@link MemoryQueues} condition, takes the next message round-robin over its queues (so none is
 * starved) while fewer than {@code prefetch} deliveries are outstanding, and calls the handler
 * outside the lock. {@link #close()} stops taking messages and leaves outstanding ones to their
 * holders; {@link #returnUnsettled()} (the broker's close) puts them back at the front,
 * redelivered.
 */
final class MemoryConsumer implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryConsumer.class);

  private final MemoryQueues hub;
  private final List<String> queues;
  private final Consumer<Delivery> handler;
  private final Set<MemoryDelivery> outstanding = new LinkedHashSet<>();
  private final Thread thread;
  private int prefetch;
  private int cursor;
  private boolean closed;

  MemoryConsumer(MemoryQueues hub, List<String> queues, int prefetch, Consumer<Delivery> handler) {
    this.hub = hub;
    this.queues = List.copyOf(queues);
    this.prefetch = prefetch;
    this.handler = handler;
    this.thread = Threads.daemon("apium-memory-consumer-" + String.join(",", queues), this::run);
  }

  void start() {
    thread.start();
  }

  private void run() {
    while (true) {
      MemoryDelivery next = null;
      hub.lock.lock();
      try {
        while (!closed && (next = take()) == null) {
          hub.changed.await();
        }
        if (closed) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        hub.lock.unlock();
      }
      try {
        handler.accept(next);
      } catch (RuntimeException e) {
        LOG.warn("handler failed on {}; moving it to the dead letters", next, e);
        next.deadLetter("handler failed: " + e);
      }
    }
  }

  /** The next delivery when the prefetch bound allows one; caller holds the lock. */
  private MemoryDelivery take() {
    if (prefetch > 0 && outstanding.size() >= prefetch) {
      return null;
    }
    for (int i = 0; i < queues.size(); i++) {
      int index = (cursor + i) % queues.size();
      MemoryQueues.Envelope envelope = hub.poll(queues.get(index));
      if (envelope != null) {
        cursor = (index + 1) % queues.size();
        MemoryDelivery delivery = new MemoryDelivery(this, queues.get(index), envelope);
        outstanding.add(delivery);
        return delivery;
      }
    }
    return null;
  }

  /** Settles once: ack or drop (neither flag), requeue at the front, or dead-letter. */
  void settle(MemoryDelivery delivery, boolean requeue, String deadReason) {
    hub.lock.lock();
    try {
      if (!outstanding.remove(delivery)) {
        return;
      }
      if (requeue) {
        hub.requeueFront(delivery.queue(), delivery.envelope());
      } else if (deadReason != null) {
        hub.deadLetter(delivery.queue(), delivery.message(), deadReason);
      }
      hub.changed.signalAll();
    } finally {
      hub.lock.unlock();
    }
  }

  /** Puts every unsettled delivery back at the front of its queue, keeping their order. */
  void returnUnsettled() {
    hub.lock.lock();
    try {
      List<MemoryDelivery> held = new ArrayList<>(outstanding);
      outstanding.clear();
      for (int i = held.size() - 1; i >= 0; i--) {
        hub.requeueFront(held.get(i).queue(), held.get(i).envelope());
      }
    } finally {
      hub.lock.unlock();
    }
  }

  /** Prefetch 0 or less means no bound, as in AMQP. */
  @Override
  public void setPrefetch(int value) {
    hub.lock.lock();
    try {
      prefetch = value;
      hub.changed.signalAll();
    } finally {
      hub.lock.unlock();
    }
  }

  @Override
  public void close() {
    hub.lock.lock();
    try {
      closed = true;
      hub.changed.signalAll();
    } finally {
      hub.lock.unlock();
    }
  }
}
