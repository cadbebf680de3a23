package dev.apium.amqp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Celery 5.5+'s native delayed delivery on RabbitMQ (kombu's {@code native_delayed_delivery}),
 * declared exactly as kombu does so that Python and Apium share one ladder: 28 durable topic
 * exchanges and queues {@code celery_delayed_0…27} (queue {@code N} holds a message 2^N s: {@code
 * x-message-ttl}, dead-lettering into level {@code N-1}, {@code x-overflow: reject-publish}, and on
 * quorum {@code x-dead-letter-strategy: at-least-once}), level 0 leading to the topic exchange
 * {@code celery_delayed_delivery}. A worker binds each queue of a non-direct exchange as Celery's
 * does ({@code celery_delayed_delivery → exchange} and {@code exchange → queue}, both {@code
 * #.<routing key>}); a client publishes a countdown to {@code celery_delayed_27} with the delay's
 * 28 binary digits, dot-separated, before the routing key. Queues on a direct exchange, which
 * Celery leaves out (it warns), are reached by Apium's own parking through one exact binding,
 * {@code *.}×28 + queue. Declared lazily, once per broker; thread-safe.
 */
final class NativeDelayedDelivery {
  static final int LEVELS = DelayLadder.LEVELS;
  static final String DELIVERY = "celery_delayed_delivery";
  static final String PREFIX = "celery_delayed_";

  /** Celery's {@code broker_native_delayed_delivery_queue_type}: the ladder queues' type. */
  static final String QUEUE_TYPE = "broker_native_delayed_delivery_queue_type";

  private final Topology topology;
  private final String queueType;
  private final Set<String> bound = ConcurrentHashMap.newKeySet();
  private volatile boolean built;

  NativeDelayedDelivery(Topology topology, String queueType) {
    this.topology = topology;
    this.queueType = queueType;
  }

  /** The exchange a delayed message is published to. */
  static String entry() {
    return level(LEVELS - 1);
  }

  static String level(int n) {
    return PREFIX + n;
  }

  /** True for the ladder's exchanges, which RabbitMQ reports for a message that went through it. */
  static boolean isLadder(String exchange) {
    return exchange.startsWith(PREFIX);
  }

  /** kombu's {@code calculate_routing_key}: the delay in 28 binary digits, then the routing key. */
  static String routingKey(long seconds, String routingKey) {
    return DelayLadder.routingKey(seconds, routingKey);
  }

  /** The ladder's queue arguments at {@code level}, in kombu's order. */
  Map<String, Object> arguments(int level) {
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("x-queue-type", queueType);
    args.put("x-overflow", "reject-publish");
    args.put("x-message-ttl", (1L << level) * 1000L);
    args.put("x-dead-letter-exchange", level > 0 ? level(level - 1) : DELIVERY);
    if (queueType.equals("quorum")) {
      args.put("x-dead-letter-strategy", "at-least-once");
    }
    return args;
  }

  /**
   * Routes delayed messages for {@code spec}'s queue: Celery's {@code #.<routing key>} bindings for
   * a queue on a non-direct exchange; an exact binding from {@link #DELIVERY} for one on a direct
   * exchange (Apium's parking only). Returns whether the queue follows Celery's form.
   */
  boolean prepare(QueueSpec spec) {
    build();
    if (!bound.add(spec.queue())) {
      return !spec.direct();
    }
    if (spec.direct()) {
      topology.bind(spec.queue(), DELIVERY, "*.".repeat(LEVELS) + spec.queue());
      return false;
    }
    String key = "#." + spec.routingKey();
    topology.run(
        "the delayed-delivery bindings of '" + spec.queue() + "'",
        ch -> {
          ch.exchangeBind(spec.exchange(), DELIVERY, key);
          ch.queueBind(spec.queue(), spec.exchange(), key);
          return null;
        });
    return true;
  }

  /** kombu's {@code declare_native_delayed_delivery_exchanges_and_queues}, once. */
  private void build() {
    if (built) {
      return;
    }
    synchronized (this) {
      if (built) {
        return;
      }
      topology.run(
          "Celery's native delayed-delivery ladder",
          ch -> {
            String key = "1.#";
            for (int level = LEVELS - 1; level >= 0; level--) {
              ch.exchangeDeclare(level(level), "topic", true);
              ch.queueDeclare(level(level), true, false, false, arguments(level));
              ch.queueBind(level(level), level(level), key);
              key = "*." + key;
            }
            key = "0.#";
            for (int level = LEVELS - 1; level > 0; level--) {
              ch.exchangeBind(level(level - 1), level(level), key);
              key = "*." + key;
            }
            ch.exchangeDeclare(DELIVERY, "topic", true);
            ch.exchangeBind(DELIVERY, level(0), key);
            return null;
          });
      built = true;
    }
  }
}
