package dev.apium.amqp;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One message RabbitMQ delivered to an {@link AmqpConsumption}, settled once from any thread: ack,
 * reject, dead-letter (a confirmed copy in the durable queue {@code <queue>.dead} with the header
 * {@code dead_letter_reason}, then ack) or park until an ETA (a confirmed copy into the {@link
 * DelayLadder}, then ack). If the broker closes the channel first, RabbitMQ requeues the message
 * and a late settlement is a no-op.
 */
final class AmqpDelivery implements Delivery {
  static final String DEAD_LETTER_REASON = "dead_letter_reason";

  private final AmqpConsumption consumption;
  private final long tag;
  private final boolean redelivered;
  private final String queue;
  private final String exchange;
  private final String routingKey;
  private final WireMessage message;
  private final AtomicBoolean settled = new AtomicBoolean();

  AmqpDelivery(
      AmqpConsumption consumption,
      long tag,
      boolean redelivered,
      String queue,
      String exchange,
      String routingKey,
      WireMessage message) {
    this.consumption = consumption;
    this.tag = tag;
    this.redelivered = redelivered;
    this.queue = queue;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.message = message;
  }

  @Override
  public WireMessage message() {
    return message;
  }

  @Override
  public String deliveryTag() {
    return Long.toString(tag);
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public String exchange() {
    return exchange;
  }

  @Override
  public String routingKey() {
    return routingKey;
  }

  @Override
  public boolean redelivered() {
    return redelivered;
  }

  @Override
  public void ack() {
    if (settled.compareAndSet(false, true)) {
      consumption.ack(tag);
    }
  }

  @Override
  public void reject(boolean requeue) {
    if (settled.compareAndSet(false, true)) {
      consumption.reject(tag, requeue);
    }
  }

  @Override
  public void deadLetter(String reason) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    try {
      consumption.broker().deadLetter(queue, message.withHeader(DEAD_LETTER_REASON, reason));
    } catch (BrokerException e) {
      consumption.reject(tag, true);
      throw e;
    }
    consumption.ack(tag);
  }

  @Override
  public boolean deferUntil(Instant eta) {
    long millis = Duration.between(Instant.now(), eta).toMillis();
    if (millis <= 0 || !settled.compareAndSet(false, true)) {
      return false;
    }
    long seconds = (millis + 999) / 1000;
    try {
      consumption.broker().park(queue, message, seconds);
    } catch (BrokerException e) {
      settled.set(false);
      AmqpBroker.LOG.warn(
          "cannot park task {} in RabbitMQ until {}, keeping it in memory: {}",
          message.header("id"),
          eta,
          e.getMessage());
      return false;
    }
    consumption.ack(tag);
    return true;
  }
}
