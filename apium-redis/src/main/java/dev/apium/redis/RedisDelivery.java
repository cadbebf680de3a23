package dev.apium.redis;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.Delivery;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One popped message while it sits in {@code unacked} under the fresh tag its pop gave it. Tags are
 * unique per pop, so ack, requeue, restore and dead-letter work by tag alone: a message restored
 * meanwhile (stale, past the visibility timeout) and popped again is held under another tag and is
 * never touched. Settled once, from any thread; the broker restores the unsettled ones when it
 * closes.
 */
final class RedisDelivery implements Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(RedisDelivery.class);

  private final RedisBroker broker;
  private final RedisConsumer consumer;
  private final String tag;
  private final String queue;
  private final String exchange;
  private final String routingKey;
  private final String raw;
  private final WireMessage message;
  private final AtomicBoolean settled = new AtomicBoolean();

  RedisDelivery(
      RedisBroker broker,
      RedisConsumer consumer,
      String tag,
      String queue,
      String exchange,
      String routingKey,
      String raw,
      WireMessage message) {
    this.broker = broker;
    this.consumer = consumer;
    this.tag = tag;
    this.queue = queue;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.raw = raw;
    this.message = message;
  }

  @Override
  public WireMessage message() {
    return message;
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
    return exchange;
  }

  @Override
  public String routingKey() {
    return routingKey;
  }

  @Override
  public boolean redelivered() {
    return Envelopes.isRedelivered(message);
  }

  /**
   * Queues the ack and returns at once: the broker's {@link AckBatcher} writes it with the others
   * queued meanwhile. If it is never written (Redis lost for good, the process killed first) the
   * message stays in {@code unacked} and is redelivered after the visibility timeout.
   */
  @Override
  public void ack() {
    if (settle()) {
      broker.acks().ack(tag);
    }
  }

  @Override
  public void reject(boolean requeue) {
    if (settle()) {
      if (requeue) {
        broker.run("requeue " + tag, () -> broker.ledger().restoreHeld(tag, raw, true, queue));
      } else {
        broker.acks().ack(tag);
      }
    }
  }

  @Override
  public void deadLetter(String reason) {
    if (settle()) {
      LOG.warn("message {} from queue {} dead-lettered: {}", tag, queue, reason);
      String record = Envelopes.deadRecord(reason, queue, tag, raw);
      broker.run("dead-letter " + tag, () -> broker.ledger().deadLetterHeld(tag, record));
    }
  }

  @Override
  public void keepAlive() {
    if (!settled.get()) {
      broker.run(
          "keep " + tag + " alive",
          () -> {
            broker.ledger().keepAlive(tag);
            return true;
          });
    }
  }

  /** Restores the message to the consuming end of its queue (warm shutdown); not an ack. */
  void restoreOnClose() {
    if (settle()) {
      broker.ledger().restoreHeld(tag, raw, false, queue);
    }
  }

  private boolean settle() {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    broker.forget(this);
    consumer.released();
    return true;
  }
}
