package dev.apium.spi;

import dev.apium.protocol.WireMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The message transport, reduced to the handful of primitives kombu's virtual transport has. Every
 * rule above them (routing, ETA, retries, prefetch policy, canvas) lives once, in core. One
 * instance is shared by all threads of a process: implementations are thread-safe and bound the
 * connections they open, whatever the number of callers. {@link #close()} stops consumers, returns
 * every unacknowledged delivery to its queue, and releases connections.
 */
public interface Broker extends AutoCloseable {

  /**
   * Publishes to an exchange. The anonymous exchange {@code ""} routes to the queue named by {@code
   * routingKey} (what Celery does for tasks); a named direct exchange routes through its bindings.
   * Returns only when the broker has the message (AMQP publisher confirm, Redis reply, committed
   * transaction); otherwise throws {@link BrokerException}.
   */
  void publish(String exchange, String routingKey, WireMessage message);

  /**
   * Starts a publish and returns without waiting for the broker: the future completes when the
   * broker has the message (the guarantee {@link #publish} gives on return) or fails with {@link
   * BrokerException}. Publishes started from one thread reach a queue in the order they were
   * started. The default publishes synchronously on the calling thread; transports that can
   * pipeline (a Redis reply, an AMQP publisher confirm) override it.
   */
  default CompletableFuture<Void> publishAsync(
      String exchange, String routingKey, WireMessage message) {
    try {
      publish(exchange, routingKey, message);
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Publishes many messages with one exchange and routing key, in order, as {@link #publish} would
   * one by one; a transport that can batch (a Redis pipeline, one AMQP confirm wait) overrides this
   * to pay one round trip for the lot. Returns when the broker has them all; on {@link
   * BrokerException} a prefix of the list may have been published.
   */
  default void publishAll(String exchange, String routingKey, List<WireMessage> messages) {
    for (WireMessage message : messages) {
      publish(exchange, routingKey, message);
    }
  }

  /** Publishes a task to a queue through the anonymous exchange. */
  default void publish(String queue, WireMessage message) {
    publish("", queue, message);
  }

  /**
   * Starts delivering messages from the queues to the handler. At most {@code prefetch} deliveries
   * are outstanding (handed over and neither acked nor rejected) at any time; {@link
   * Subscription#setPrefetch(int)} changes the bound. With several queues, none is starved. The
   * handler is called from a transport thread and must not block.
   */
  Subscription consume(List<String> queues, int prefetch, Consumer<Delivery> handler);

  /** Creates the queue (and, for AMQP, Celery's direct exchange and binding) if missing. */
  void declareQueue(String queue);

  /** Routes messages published to {@code exchange} with {@code routingKey} to {@code queue}. */
  void bindQueue(String queue, String exchange, String routingKey);

  /** Deletes every ready message of the queue; returns how many. */
  long purge(String queue);

  /** Number of ready (not yet delivered) messages in the queue. */
  long size(String queue);

  /**
   * Ready messages of the queue per priority step, for a transport that keeps each step apart
   * (Redis: kombu's lists {@code q}, {@code q\x06\x163}, {@code q\x06\x166}, {@code q\x06\x169},
   * keyed 0, 3, 6, 9); empty for one that keeps all priorities in one queue (AMQP, where {@code
   * x-max-priority} orders them inside it) and only knows {@link #size}.
   */
  default java.util.SortedMap<Integer, Long> sizeByPriority(String queue) {
    return java.util.Collections.emptySortedMap();
  }

  /**
   * Broadcasts on a fan-out exchange ({@code celeryev}, {@code celery.pidbox}). Nothing is stored:
   * a message sent while nobody listens is lost, as in kombu.
   */
  void publishFanout(String exchange, String routingKey, WireMessage message);

  /**
   * Broadcasts several messages with one routing key, in order, as {@link #publishFanout} would one
   * by one (the event writer's {@code task.multi} batches); a transport that can pipeline (Redis)
   * overrides this to pay one round trip for the lot. The default sends them one by one.
   */
  default void publishFanoutAll(String exchange, String routingKey, List<WireMessage> messages) {
    for (WireMessage message : messages) {
      publishFanout(exchange, routingKey, message);
    }
  }

  /**
   * {@link #publishFanoutAll} without waiting: the future completes when the broker has taken every
   * message, or fails with a {@link BrokerException}. The event writer keeps one round in flight
   * this way while it writes the next. The default publishes before it returns.
   */
  default java.util.concurrent.CompletableFuture<Void> publishFanoutAllAsync(
      String exchange, String routingKey, List<WireMessage> messages) {
    try {
      publishFanoutAll(exchange, routingKey, messages);
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Listens on a fan-out exchange. {@code bindingKey} is a topic pattern ({@code worker.#}, {@code
   * #}) or empty for all. The listener runs on a transport thread.
   */
  Subscription subscribeFanout(String exchange, String bindingKey, Consumer<WireMessage> listener);

  /**
   * The store for cluster-wide rate limits, when this transport has one shared by all workers
   * (Redis); empty by default, and a cluster-scoped limit then counts per worker.
   */
  default java.util.Optional<RateLimitStore> rateLimitStore() {
    return java.util.Optional.empty();
  }

  /** A short description for banners and logs, with any password masked. */
  /**
   * The messages this broker moved aside, to list, replay or purge ({@code apium dead}); empty for
   * a broker that keeps none.
   */
  default java.util.Optional<DeadLetters> deadLetters() {
    return java.util.Optional.empty();
  }

  String describe();

  @Override
  void close();
}
