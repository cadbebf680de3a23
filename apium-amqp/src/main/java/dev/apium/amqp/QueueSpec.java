package dev.apium.amqp;

import java.util.Map;

/**
 * How one task queue is declared, as Celery's {@code Queue(name, Exchange(exchange, type),
 * routing_key, queue_arguments=...)} would: the queue's arguments ({@code x-queue-type}, {@code
 * x-max-priority}...), the exchange it is bound to (empty for none), that exchange's type and the
 * binding key. {@code explicit} says the exchange came from {@code task_queues.<name>.*} settings,
 * in which case clients publish through the exchange, as kombu does, rather than straight to the
 * queue. Immutable.
 */
record QueueSpec(
    String queue,
    String exchange,
    String exchangeType,
    String routingKey,
    Map<String, Object> arguments,
    boolean explicit) {

  static final String QUEUE_TYPE = "x-queue-type";

  /** True when the queue is declared with {@code x-queue-type: quorum}. */
  boolean quorum() {
    return "quorum".equals(arguments.get(QUEUE_TYPE));
  }

  /** True when the queue is bound to a direct exchange (or to none). */
  boolean direct() {
    return exchange.isEmpty() || "direct".equals(exchangeType);
  }
}
