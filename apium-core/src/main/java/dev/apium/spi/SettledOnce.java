package dev.apium.spi;

import dev.apium.protocol.WireMessage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The part every transport's {@link Delivery} shares: the routing fields, and the guard that lets
 * exactly one of {@link #ack()}, {@link #reject(boolean)} or {@link #deadLetter(String)} through (a
 * compare-and-set, so the runner thread, the time-limit watchdog and a shutdown can race safely);
 * later calls are ignored. A transport implements the three {@code settle...} steps and may {@link
 * #claim()} the delivery itself for other ways out (parking an ETA, restoring on close). Settled
 * from any thread.
 */
public abstract class SettledOnce implements Delivery {
  private final AtomicBoolean settled = new AtomicBoolean();
  private final WireMessage message;
  private final String deliveryTag;
  private final String queue;
  private final String exchange;
  private final String routingKey;
  private final boolean redelivered;

  protected SettledOnce(
      WireMessage message,
      String deliveryTag,
      String queue,
      String exchange,
      String routingKey,
      boolean redelivered) {
    this.message = message;
    this.deliveryTag = deliveryTag;
    this.queue = queue;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.redelivered = redelivered;
  }

  /** Acknowledges for good; runs once, for the first settlement. */
  protected abstract void settleAck();

  /** Returns the message ({@code requeue}) or drops it; runs once, for the first settlement. */
  protected abstract void settleReject(boolean requeue);

  /** Moves the message to the dead letters; runs once, for the first settlement. */
  protected abstract void settleDeadLetter(String reason);

  /** True for the first caller only: it now owns the settlement. */
  protected final boolean claim() {
    return settled.compareAndSet(false, true);
  }

  /** Gives a claim back when its settlement did not happen (a park the broker refused). */
  protected final void release() {
    settled.set(false);
  }

  /** True once the delivery is settled (or claimed). */
  public final boolean settled() {
    return settled.get();
  }

  @Override
  public final void ack() {
    if (claim()) {
      settleAck();
    }
  }

  @Override
  public final void reject(boolean requeue) {
    if (claim()) {
      settleReject(requeue);
    }
  }

  @Override
  public final void deadLetter(String reason) {
    if (claim()) {
      settleDeadLetter(reason);
    }
  }

  @Override
  public final WireMessage message() {
    return message;
  }

  @Override
  public final String deliveryTag() {
    return deliveryTag;
  }

  @Override
  public final String queue() {
    return queue;
  }

  @Override
  public final String exchange() {
    return exchange;
  }

  @Override
  public final String routingKey() {
    return routingKey;
  }

  @Override
  public final boolean redelivered() {
    return redelivered;
  }
}
