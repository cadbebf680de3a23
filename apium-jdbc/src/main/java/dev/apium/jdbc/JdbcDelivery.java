package dev.apium.jdbc;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.SettledOnce;
import java.time.Instant;

/**
 * One claimed row handed to a consumer. The first of ack, reject or deadLetter settles it (one SQL
 * statement fenced by the claim number, so a claim the visibility timeout already restored is left
 * alone) and frees a prefetch slot; later calls are ignored. Settled from any thread.
 */
final class JdbcDelivery extends SettledOnce {
  private final JdbcBroker broker;
  private final JdbcConsumer consumer;
  private final MessageStore.Row row;

  JdbcDelivery(
      JdbcBroker broker, JdbcConsumer consumer, MessageStore.Row row, WireMessage message) {
    super(
        message,
        row.deliveryTag(),
        row.queue(),
        row.exchange(),
        row.routingKey(),
        row.deliveries() > 1);
    this.broker = broker;
    this.consumer = consumer;
    this.row = row;
  }

  long id() {
    return row.id();
  }

  @Override
  protected void settleAck() {
    settle(() -> broker.settleAck(row));
  }

  @Override
  protected void settleReject(boolean requeue) {
    if (requeue && consumer.closed()) {
      settle(() -> broker.requeueOnStop(row));
    } else if (requeue) {
      settle(() -> broker.settleRequeue(row));
    } else {
      settle(() -> broker.settleAck(row));
    }
  }

  @Override
  protected void settleDeadLetter(String reason) {
    settle(() -> broker.settleDead(row, reason));
  }

  /**
   * Parks the row until {@code eta}: it becomes ready again with that eta, so consumers skip it
   * until then (found by their poll: within 200 ms on SQLite, 2 s on PostgreSQL).
   */
  @Override
  public boolean deferUntil(Instant eta) {
    if (!eta.isAfter(broker.now()) || !claim()) {
      return false;
    }
    try {
      broker.defer(row, eta);
    } catch (BrokerException e) {
      release();
      return false;
    }
    consumer.settled(this);
    return true;
  }

  @Override
  public void keepAlive() {
    if (!settled()) {
      broker.keepAlive(row);
    }
  }

  /** Runs the claimed settlement, then frees the consumer's prefetch slot. */
  private void settle(Runnable action) {
    try {
      action.run();
    } finally {
      consumer.settled(this);
    }
  }
}
