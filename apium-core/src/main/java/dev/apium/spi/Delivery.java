package dev.apium.spi;

import dev.apium.protocol.WireMessage;

/**
 * One message handed to a consumer, carrying its own acknowledgement. Exactly one of {@link
 * #ack()}, {@link #reject(boolean)} or {@link #deadLetter(String)} settles it; later calls are
 * ignored. May be settled from any thread.
 */
public interface Delivery {
  WireMessage message();

  /** Transport-specific tag: the kombu {@code delivery_tag} UUID on Redis, the AMQP tag number. */
  String deliveryTag();

  /** The queue the message was consumed from. */
  String queue();

  /** The exchange it was published to ({@code ""} for the anonymous exchange). */
  String exchange();

  /** The routing key it was published with. */
  String routingKey();

  /** True when the message was delivered before and returned (restore, requeue, crash). */
  boolean redelivered();

  /** Removes the message for good. */
  void ack();

  /**
   * Gives the message back. With {@code requeue} it becomes deliverable again (to the front of the
   * queue where the transport can do that); without, it is dropped.
   */
  void reject(boolean requeue);

  /**
   * Moves a message that cannot be processed (malformed, undecodable) to the transport's
   * dead-letter place, with the reason, so it is neither lost nor retried forever.
   */
  void deadLetter(String reason);

  /**
   * Tells the transport the consumer still holds the message (an ETA task waiting in memory), so a
   * visibility-timeout restore must not hand it to another consumer. Called periodically by the
   * worker; a no-op where the transport tracks liveness itself (AMQP).
   */
  default void keepAlive() {}

  /**
   * Asks the transport to hold the message until {@code eta} outside this consumer (an ETA task due
   * far in the future, which on AMQP would otherwise sit unacked past RabbitMQ's consumer timeout).
   * Returns true when the transport took the message over: it settled this delivery and will
   * deliver the same message again, once, on or after {@code eta}; the caller then drops its copy.
   * Returns false (the default) when the transport cannot park it: the caller keeps holding the
   * delivery. Never both loses and keeps the message.
   */
  default boolean deferUntil(java.time.Instant eta) {
    return false;
  }
}
