package dev.apium.jdbc;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One claimed row handed to a consumer. The first of ack, reject or deadLetter settles it (one SQL
 * statement fenced by the claim number, so a claim the visibility timeout already restored is left
 * alone) and frees a prefetch slot; later calls are ignored. Settled from any thread.
 */
final class JdbcDelivery implements Delivery {
  private final JdbcBroker broker;
  private final JdbcConsumer consumer;
  private final MessageStore.Row row;
  private final WireMessage message;
  private final AtomicBoolean settled = new AtomicBoolean();

  JdbcDelivery(
      JdbcBroker broker, JdbcConsumer consumer, MessageStore.Row row, WireMessage message) {
    this.broker = broker;
    this.consumer = consumer;
    this.row = row;
    this.message = message;
  }

  @Override
  public WireMessage message() {
    return message;
  }

  @Override
  public String deliveryTag() {
    return row.deliveryTag();
  }

  @Override
  public String queue() {
    return row.queue();
  }

  @Override
  public String exchange() {
    return row.exchange();
  }

  @Override
  public String routingKey() {
    return row.routingKey();
  }

  @Override
  public boolean redelivered() {
    return row.deliveries() > 1;
  }

  long id() {
    return row.id();
  }

  boolean settled() {
    return settled.get();
  }

  @Override
  public void ack() {
    settle(() -> broker.settleAck(row));
  }

  @Override
  public void reject(boolean requeue) {
    if (requeue) {
      settle(() -> broker.settleRequeue(row));
    } else {
      settle(() -> broker.settleAck(row));
    }
  }

  @Override
  public void deadLetter(String reason) {
    settle(() -> broker.settleDead(row, reason));
  }

  /**
   * Parks the row until {@code eta}: it becomes ready again with that eta, so consumers skip it
   * until then (found by their poll: within 200 ms on SQLite, 2 s on PostgreSQL).
   */
  @Override
  public boolean deferUntil(Instant eta) {
    if (!eta.isAfter(broker.now()) || !settled.compareAndSet(false, true)) {
      return false;
    }
    try {
      broker.defer(row, eta);
    } catch (BrokerException e) {
      settled.set(false);
      return false;
    }
    consumer.settled(this);
    return true;
  }

  @Override
  public void keepAlive() {
    if (!settled.get()) {
      broker.keepAlive(row);
    }
  }

  private void settle(Runnable action) {
    if (!settled.compareAndSet(false, true)) {
      return;
    }
    try {
      action.run();
    } finally {
      consumer.settled(this);
    }
  }
}
