package dev.apium.redis;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.SettledOnce;
import io.lettuce.core.RedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One popped message while it sits in {@code unacked} under the fresh tag its pop gave it. Tags are
 * unique per pop, so ack, requeue, restore and dead-letter work by tag alone: a message restored
 * meanwhile (stale, past the visibility timeout) and popped again is held under another tag and is
 * never touched. Settled once, from any thread; the broker restores the unsettled ones when it
 * closes.
 */
final class RedisDelivery extends SettledOnce {
  private static final Logger LOG = LoggerFactory.getLogger(RedisDelivery.class);

  private final RedisBroker broker;
  private final RedisConsumer consumer;
  private final String tag;
  private final String queue;
  private final String raw;

  /**
   * Requeued after its consumer closed, while Redis was down: still in {@code unacked}, still held,
   * so that the broker's close gives it back or leaves it to the liveness reaper.
   */
  private volatile boolean leftBehind;

  RedisDelivery(
      RedisBroker broker,
      RedisConsumer consumer,
      String tag,
      String queue,
      String exchange,
      String routingKey,
      String raw,
      WireMessage message) {
    super(message, tag, queue, exchange, routingKey, Envelopes.isRedelivered(message));
    this.broker = broker;
    this.consumer = consumer;
    this.tag = tag;
    this.queue = queue;
    this.raw = raw;
  }

  /**
   * Queues the ack and returns at once: the broker's {@link AckBatcher} writes it with the others
   * queued meanwhile. If it is never written (Redis lost for good, the process killed first) the
   * message stays in {@code unacked} and is redelivered after the visibility timeout.
   */
  @Override
  protected void settleAck() {
    released();
    broker.acks().ack(tag);
  }

  @Override
  protected void settleReject(boolean requeue) {
    if (requeue && consumer.closed()) {
      // A stopping worker gives back its prefetched messages while Redis answers; after the
      // first failure it leaves them held for the broker's close (and the liveness reaper).
      if (broker.givingBackOnClose()) {
        try {
          broker.ledger().restoreHeld(tag, raw, true, queue);
          released();
          return;
        } catch (RedisException e) {
          broker.giveBackFailed("requeue " + tag, e);
        }
      }
      leftBehind = true;
      return;
    }
    released();
    if (requeue) {
      broker.run("requeue " + tag, () -> broker.ledger().restoreHeld(tag, raw, true, queue));
    } else {
      broker.acks().ack(tag);
    }
  }

  @Override
  protected void settleDeadLetter(String reason) {
    released();
    LOG.warn("message {} from queue {} dead-lettered: {}", tag, queue, reason);
    String record = Envelopes.deadRecord(reason, queue, tag, raw);
    broker.run("dead-letter " + tag, () -> broker.ledger().deadLetterHeld(tag, record));
  }

  @Override
  public void keepAlive() {
    if (!settled()) {
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
    if (claim() || leftBehind) {
      leftBehind = false;
      released();
      broker.ledger().restoreHeld(tag, raw, false, queue);
    }
  }

  /** Settled: the broker stops tracking it and the consumer's prefetch slot is free. */
  private void released() {
    broker.forget(this);
    consumer.released();
  }
}
