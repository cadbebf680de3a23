package dev.apium.amqp;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.SettledOnce;
import java.time.Duration;
import java.time.Instant;

/**
 * One message RabbitMQ delivered to an {@link AmqpConsumption}, settled once from any thread: ack,
 * reject, dead-letter (a confirmed copy in the durable queue {@code <queue>.dead} with the header
 * {@code dead_letter_reason}, then ack) or park until an ETA (a confirmed copy into the {@link
 * DelayLadder}, then ack). If the broker closes the channel first, RabbitMQ requeues the message
 * and a late settlement is a no-op.
 */
final class AmqpDelivery extends SettledOnce {
  static final String DEAD_LETTER_REASON = "dead_letter_reason";

  private final AmqpConsumption consumption;
  private final long tag;

  AmqpDelivery(
      AmqpConsumption consumption,
      long tag,
      boolean redelivered,
      String queue,
      String exchange,
      String routingKey,
      WireMessage message) {
    super(message, Long.toString(tag), queue, exchange, routingKey, redelivered);
    this.consumption = consumption;
    this.tag = tag;
  }

  @Override
  protected void settleAck() {
    consumption.ack(tag);
  }

  @Override
  protected void settleReject(boolean requeue) {
    consumption.reject(tag, requeue);
  }

  @Override
  protected void settleDeadLetter(String reason) {
    try {
      consumption.broker().deadLetter(queue(), message().withHeader(DEAD_LETTER_REASON, reason));
    } catch (BrokerException e) {
      consumption.reject(tag, true);
      throw e;
    }
    consumption.ack(tag);
  }

  @Override
  public boolean deferUntil(Instant eta) {
    long millis = Duration.between(Instant.now(), eta).toMillis();
    if (millis <= 0 || !claim()) {
      return false;
    }
    long seconds = (millis + 999) / 1000;
    try {
      consumption.broker().park(queue(), message(), seconds);
    } catch (BrokerException e) {
      release();
      AmqpBroker.LOG.warn(
          "cannot park task {} in RabbitMQ until {}, keeping it in memory: {}",
          message().header("id"),
          eta,
          e.getMessage());
      return false;
    }
    consumption.ack(tag);
    return true;
  }
}
