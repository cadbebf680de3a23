package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import dev.apium.spi.BrokerException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes over a few {@link PublishLane}s shared round-robin by every calling thread, so many
 * threads publish at once while each waits only for its own confirm. A confirmed publish returns; a
 * nack, a lost channel or no confirm within the timeout is a {@link BrokerException}. While the
 * connection is recovering, a publish retries until its deadline. {@link #close()} closes the
 * lanes.
 */
final class Publisher implements AutoCloseable {
  private final PublishLane[] lanes;
  private final Duration timeout;
  private final Connection connection;
  private final AtomicInteger next = new AtomicInteger();
  private volatile String blocked;

  Publisher(Connection connection, int lanes, boolean confirms, Duration timeout) {
    this.connection = connection;
    this.timeout = timeout;
    this.lanes = new PublishLane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new PublishLane(connection, confirms);
    }
    connection.addBlockedListener(reason -> blocked = reason, () -> blocked = null);
  }

  void publish(String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    long deadline = System.nanoTime() + timeout.toNanos();
    PublishLane lane = lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
    CompletableFuture<Void> confirmed =
        sendWhileRecovering(lane, exchange, routingKey, props, body, deadline);
    await(confirmed, routingKey, deadline);
  }

  /**
   * Writes every message on one lane, in order, then waits once for all their confirms: a batch
   * costs one confirm round trip instead of one per message.
   */
  void publishAll(
      String exchange, String routingKey, List<AMQP.BasicProperties> props, List<byte[]> bodies) {
    long deadline = System.nanoTime() + timeout.toNanos();
    PublishLane lane = lanes[Math.floorMod(next.getAndIncrement(), lanes.length)];
    CompletableFuture<?>[] confirms = new CompletableFuture<?>[bodies.size()];
    for (int i = 0; i < confirms.length; i++) {
      confirms[i] =
          sendWhileRecovering(lane, exchange, routingKey, props.get(i), bodies.get(i), deadline);
    }
    await(CompletableFuture.allOf(confirms), routingKey, deadline);
  }

  private void await(CompletableFuture<?> confirmed, String routingKey, long deadline) {
    try {
      confirmed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BrokerException(
          "RabbitMQ did not confirm the publish to '"
              + routingKey
              + "' within "
              + timeout.toSeconds()
              + " s: "
              + (blocked == null
                  ? "is the broker overloaded, or blocked by a memory or disk alarm?"
                  : "RabbitMQ is blocking publishers (" + blocked + "): free memory or disk"),
          e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BrokerException b
          ? new BrokerException(b.getMessage(), b)
          : new BrokerException("publish to '" + routingKey + "' failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while waiting for RabbitMQ to confirm a publish", e);
    }
  }

  private CompletableFuture<Void> sendWhileRecovering(
      PublishLane lane,
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body,
      long deadline) {
    while (true) {
      try {
        return lane.send(exchange, routingKey, props, body);
      } catch (BrokerException e) {
        if (connection.isOpen() || System.nanoTime() > deadline) {
          throw e;
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while RabbitMQ connection was recovering", e);
    }
  }

  @Override
  public void close() {
    for (PublishLane lane : lanes) {
      lane.close();
    }
  }
}
