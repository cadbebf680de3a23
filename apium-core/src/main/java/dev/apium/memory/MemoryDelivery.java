package dev.apium.memory;

import dev.apium.spi.SettledOnce;
import java.util.UUID;

/**
 * One message handed out by a {@link MemoryConsumer}. Settling goes through the consumer, which
 * counts it against the prefetch bound; the first settlement wins and later ones are ignored, also
 * after the broker's close has returned the message. May be settled from any thread.
 */
final class MemoryDelivery extends SettledOnce {
  private final MemoryConsumer consumer;
  private final MemoryQueues.Envelope envelope;

  MemoryDelivery(MemoryConsumer consumer, String queue, MemoryQueues.Envelope envelope) {
    super(
        envelope.message(),
        UUID.randomUUID().toString(),
        queue,
        envelope.exchange(),
        envelope.routingKey(),
        envelope.redelivered());
    this.consumer = consumer;
    this.envelope = envelope;
  }

  MemoryQueues.Envelope envelope() {
    return envelope;
  }

  @Override
  protected void settleAck() {
    consumer.settle(this, false, null);
  }

  @Override
  protected void settleReject(boolean requeue) {
    consumer.settle(this, requeue, null);
  }

  @Override
  protected void settleDeadLetter(String reason) {
    consumer.settle(this, false, reason == null ? "dead-lettered" : reason);
  }

  @Override
  public String toString() {
    return "MemoryDelivery[" + queue() + " " + deliveryTag() + "]";
  }
}
