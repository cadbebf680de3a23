package dev.apium.memory;

import dev.apium.protocol.WireMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state every {@link MemoryBroker} of one name shares in the JVM: queues (priority buckets,
 * FIFO within a priority), exchange bindings, dead letters and fan-out listeners. One lock guards
 * all of it and one condition wakes consumers on any change; handlers are never called while it is
 * held. Called from publisher, consumer and settling threads; it lives as long as the JVM, so
 * closing a broker leaves the messages for the next broker of the same name.
 */
final class MemoryQueues {
  private static final Map<String, MemoryQueues> BY_NAME = new ConcurrentHashMap<>();

  /** A message waiting in a queue, with how it was routed. */
  record Envelope(
      WireMessage message, String exchange, String routingKey, int priority, boolean redelivered) {}

  final ReentrantLock lock = new ReentrantLock();
  final Condition changed = lock.newCondition();
  final List<MemoryFanoutListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, TreeMap<Integer, ArrayDeque<Envelope>>> queues = new HashMap<>();
  private final Map<String, Map<String, Set<String>>> bindings = new HashMap<>();
  private final Map<String, List<MemoryBroker.DeadLetter>> deadLetters = new HashMap<>();

  static MemoryQueues named(String name) {
    return BY_NAME.computeIfAbsent(name, n -> new MemoryQueues());
  }

  /** Lower number first, as kombu's Redis transport orders priorities; no priority is 0. */
  static int priorityOf(WireMessage message) {
    return message.property("priority") instanceof Number n ? n.intValue() : 0;
  }

  void declare(String queue) {
    lock.lock();
    try {
      queues.computeIfAbsent(queue, q -> new TreeMap<>());
      bindings
          .computeIfAbsent(queue, e -> new HashMap<>())
          .computeIfAbsent(queue, k -> new LinkedHashSet<>())
          .add(queue);
    } finally {
      lock.unlock();
    }
  }

  void bind(String queue, String exchange, String routingKey) {
    lock.lock();
    try {
      queues.computeIfAbsent(queue, q -> new TreeMap<>());
      bindings
          .computeIfAbsent(exchange, e -> new HashMap<>())
          .computeIfAbsent(routingKey, k -> new LinkedHashSet<>())
          .add(queue);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Routes a message: the anonymous exchange to the queue named by the key, a named exchange
   * through its bindings. Unroutable messages are kept in {@code deadLetters(exchange)}.
   */
  void publish(String exchange, String routingKey, WireMessage message) {
    lock.lock();
    try {
      Envelope envelope = new Envelope(message, exchange, routingKey, priorityOf(message), false);
      if (exchange.isEmpty()) {
        append(routingKey, envelope);
      } else {
        Set<String> targets = bindings.getOrDefault(exchange, Map.of()).get(routingKey);
        if (targets == null || targets.isEmpty()) {
          deadLetter(
              exchange,
              message,
              "unroutable: no queue bound to exchange '"
                  + exchange
                  + "' with routing key '"
                  + routingKey
                  + "'; declare or bind the queue first");
        } else {
          targets.forEach(queue -> append(queue, envelope));
        }
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void append(String queue, Envelope envelope) {
    bucket(queue, envelope.priority()).addLast(envelope);
  }

  private ArrayDeque<Envelope> bucket(String queue, int priority) {
    return queues
        .computeIfAbsent(queue, q -> new TreeMap<>())
        .computeIfAbsent(priority, p -> new ArrayDeque<>());
  }

  /** Puts a returned message at the front of its priority; caller holds the lock. */
  void requeueFront(String queue, Envelope envelope) {
    Envelope again =
        new Envelope(
            envelope.message(),
            envelope.exchange(),
            envelope.routingKey(),
            envelope.priority(),
            true);
    bucket(queue, envelope.priority()).addFirst(again);
    changed.signalAll();
  }

  /** The next ready message of the queue, or null; caller holds the lock. */
  Envelope poll(String queue) {
    TreeMap<Integer, ArrayDeque<Envelope>> buckets = queues.get(queue);
    while (buckets != null && !buckets.isEmpty()) {
      Map.Entry<Integer, ArrayDeque<Envelope>> first = buckets.firstEntry();
      Envelope next = first.getValue().pollFirst();
      if (first.getValue().isEmpty()) {
        buckets.remove(first.getKey());
      }
      if (next != null) {
        return next;
      }
    }
    return null;
  }

  /** Records a dead letter; caller holds the lock (or calls from a locked section). */
  void deadLetter(String queue, WireMessage message, String reason) {
    deadLetters
        .computeIfAbsent(queue, q -> new ArrayList<>())
        .add(new MemoryBroker.DeadLetter(queue, message, reason));
  }

  List<MemoryBroker.DeadLetter> deadLetters(String queue) {
    lock.lock();
    try {
      return List.copyOf(deadLetters.getOrDefault(queue, List.of()));
    } finally {
      lock.unlock();
    }
  }

  long purge(String queue) {
    lock.lock();
    try {
      long count = size(queue);
      TreeMap<Integer, ArrayDeque<Envelope>> buckets = queues.get(queue);
      if (buckets != null) {
        buckets.clear();
      }
      return count;
    } finally {
      lock.unlock();
    }
  }

  long size(String queue) {
    lock.lock();
    try {
      TreeMap<Integer, ArrayDeque<Envelope>> buckets = queues.get(queue);
      return buckets == null ? 0 : buckets.values().stream().mapToLong(ArrayDeque::size).sum();
    } finally {
      lock.unlock();
    }
  }
}
