package dev.apium.memory;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import java.util.UUID;

/**
 * One message handed out by a {@link MemoryConsumer}. Settling goes through the consumer, which
 * counts it against the prefetch bound; the first settlement wins and later ones are ignored, also
 * after the broker's close has returned the message. May be settled from any thread.
 */
final class MemoryDelivery implements Delivery {
  private final MemoryConsumer consumer;
  private final String queue;
  private final MemoryQueues.Envelope envelope;
  private final String tag = UUID.randomUUID().toString();

  MemoryDelivery(MemoryConsumer consumer, String queue, MemoryQueues.Envelope envelope) {
    this.consumer = consumer;
    this.queue = queue;
    this.envelope = envelope;
  }

  MemoryQueues.Envelope envelope() {
    return envelope;
  }

  @Override
  public WireMessage message() {
    return envelope.message();
  }

  @Override
  public String deliveryTag() {
    return tag;
  }

  @Override
  public String queue() {
    return queue;
  }

  @Override
  public String exchange() {
    return envelope.exchange();
  }

  @Override
  public String routingKey() {
    return envelope.routingKey();
  }

  @Override
  public boolean redelivered() {
    return envelope.redelivered();
  }

  @Override
  public void ack() {
    consumer.settle(this, false, null);
  }

  @Override
  public void reject(boolean requeue) {
    consumer.settle(this, requeue, null);
  }

  @Override
  public void deadLetter(String reason) {
    consumer.settle(this, false, reason == null ? "dead-lettered" : reason);
  }

  @Override
  public String toString() {
    return "MemoryDelivery[" + queue + " " + tag + "]";
  }
}
