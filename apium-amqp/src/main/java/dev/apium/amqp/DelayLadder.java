package dev.apium.amqp;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parks messages in RabbitMQ until a due time, with no plugin and no head-of-line blocking: a
 * ladder of {@value #LEVELS} durable queues, level {@code i} holding messages for exactly 2^i
 * seconds (queue-level TTL, so every queue expires in FIFO order) and dead-lettering into the topic
 * exchange of level {@code i-1}. The routing key spells the delay in binary, highest bit first,
 * then the target queue ({@code 0.0.….1.1.celery} is 3 s): each level's exchange sends the message
 * into its queue when its bit is 1 and straight on to the next level when it is 0; level 0 leads to
 * {@code apium.delay.deliver}, bound to each target queue by its name after {@value #LEVELS}
 * wildcards. Declared lazily, once per broker; thread-safe.
 */
final class DelayLadder {
  static final int LEVELS = 28;
  static final String DELIVER = "apium.delay.deliver";
  private static final String LEVEL = "apium.delay.";
  private static final long MAX_SECONDS = (1L << LEVELS) - 1;

  private final Topology topology;
  private final Set<String> targets = ConcurrentHashMap.newKeySet();
  private volatile boolean built;

  DelayLadder(Topology topology) {
    this.topology = topology;
  }

  /** The exchange a parked message is published to. */
  static String entry() {
    return LEVEL + (LEVELS - 1);
  }

  /**
   * The routing key that delays {@code seconds} (capped at ~8.5 years) then routes to {@code
   * queue}.
   */
  static String routingKey(long seconds, String queue) {
    long delay = Math.max(0, Math.min(seconds, MAX_SECONDS));
    StringBuilder key = new StringBuilder(LEVELS * 2 + queue.length());
    for (int level = LEVELS - 1; level >= 0; level--) {
      key.append((delay >> level) & 1).append('.');
    }
    return key.append(queue).toString();
  }

  /**
   * True for the exchanges of the ladder: RabbitMQ reports one of them as the exchange of a message
   * that came back from it.
   */
  static boolean isLadder(String exchange) {
    return exchange.startsWith(LEVEL);
  }

  /** The queue a message came back for, when it arrived through {@link #DELIVER}. */
  static String target(String routingKey) {
    int cut = 0;
    for (int i = 0; i < LEVELS && cut >= 0; i++) {
      cut = routingKey.indexOf('.', cut) + 1;
      if (cut == 0) {
        return routingKey;
      }
    }
    return routingKey.substring(cut);
  }

  /** Declares the ladder (first call) and the route from {@link #DELIVER} to {@code queue}. */
  void prepare(String queue) {
    if (!built) {
      build();
    }
    if (targets.add(queue)) {
      topology.bind(queue, DELIVER, "*.".repeat(LEVELS) + queue);
    }
  }

  private synchronized void build() {
    if (built) {
      return;
    }
    topology.run(
        "the delay ladder",
        ch -> {
          ch.exchangeDeclare(DELIVER, "topic", true);
          for (int level = 0; level < LEVELS; level++) {
            String name = LEVEL + level;
            String below = level == 0 ? DELIVER : LEVEL + (level - 1);
            ch.exchangeDeclare(name, "topic", true);
            Map<String, Object> args =
                Map.of("x-message-ttl", (1L << level) * 1000L, "x-dead-letter-exchange", below);
            ch.queueDeclare(name, true, false, false, args);
            String skip = "*.".repeat(LEVELS - 1 - level);
            ch.queueBind(name, name, skip + "1.#");
            ch.exchangeBind(below, name, skip + "0.#");
          }
          return null;
        });
    built = true;
  }
}
