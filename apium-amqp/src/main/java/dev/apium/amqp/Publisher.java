package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes over a few {@link PublishLane}s; each calling thread always uses the same lane, so that
 * the messages of one thread reach RabbitMQ in the order it published them, while threads hashed to
 * different lanes publish at once. {@link #publish} waits for its own confirm; {@link
 * #publishAsync} returns once the frame is written and completes its future on a thread of its own
 * ({@code apium-amqp-confirms}, started on first use, which also fails async publishes not
 * confirmed within the timeout). A nack, a lost channel or no confirm within the timeout is a
 * {@link BrokerException}. While the connection is recovering, a publish retries until its
 * deadline; once {@link #close()} ran, it fails at once. {@link #close()} closes the lanes.
 */
final class Publisher implements AutoCloseable {
  private final PublishLane[] lanes;
  private final Duration timeout;
  private final Connection connection;
  private final ScheduledExecutorService completer;
  private volatile boolean sweeping;
  private volatile boolean closed;
  private volatile String blocked;

  Publisher(Connection connection, int lanes, boolean confirms, Duration timeout) {
    this.connection = connection;
    this.timeout = timeout;
    this.completer =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-amqp-confirms"));
    this.lanes = new PublishLane[lanes];
    for (int i = 0; i < lanes; i++) {
      this.lanes[i] = new PublishLane(connection, confirms, completer);
    }
    connection.addBlockedListener(reason -> blocked = reason, () -> blocked = null);
  }

  /** The calling thread's lane. */
  @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
  private PublishLane lane() {
    return lanes[(int) Math.floorMod(Thread.currentThread().getId(), (long) lanes.length)];
  }

  void publish(
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body,
      boolean mandatory) {
    long deadline = System.nanoTime() + timeout.toNanos();
    PublishLane.Pending entry =
        sendWhileRecovering(lane(), exchange, routingKey, props, body, mandatory, false, deadline);
    await(entry.future, routingKey, deadline);
  }

  /**
   * Writes the message (retrying while the connection recovers) and returns its confirm future,
   * which completes off the connection thread. Throws {@link BrokerException} when it cannot be
   * written.
   */
  CompletableFuture<Void> publishAsync(
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body,
      boolean mandatory) {
    if (!sweeping) {
      startSweeping();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    return sendWhileRecovering(lane(), exchange, routingKey, props, body, mandatory, true, deadline)
        .future;
  }

  /** Every second, fails the publishes RabbitMQ has not confirmed within the timeout. */
  private synchronized void startSweeping() {
    if (sweeping || closed) {
      return;
    }
    sweeping = true;
    long period = Math.max(1, Math.min(1000, timeout.toMillis() / 4));
    completer.scheduleWithFixedDelay(
        () -> {
          long cutoff = System.nanoTime() - timeout.toNanos();
          for (PublishLane lane : lanes) {
            lane.expire(cutoff, timedOut("the publish"));
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Writes every message on the calling thread's lane, in order, then waits once for all their
   * confirms: a batch costs one confirm round trip instead of one per message.
   */
  void publishAll(
      String exchange, String routingKey, List<AMQP.BasicProperties> props, List<byte[]> bodies) {
    long deadline = System.nanoTime() + timeout.toNanos();
    PublishLane lane = lane();
    CompletableFuture<?>[] confirms = new CompletableFuture<?>[bodies.size()];
    for (int i = 0; i < confirms.length; i++) {
      confirms[i] =
          sendWhileRecovering(
                  lane, exchange, routingKey, props.get(i), bodies.get(i), false, false, deadline)
              .future;
    }
    await(CompletableFuture.allOf(confirms), routingKey, deadline);
  }

  private String timedOut(String what) {
    return "RabbitMQ did not confirm "
        + what
        + " within "
        + timeout.toSeconds()
        + " s: "
        + (blocked == null
            ? "is the broker overloaded, or blocked by a memory or disk alarm?"
            : "RabbitMQ is blocking publishers (" + blocked + "): free memory or disk");
  }

  private void await(CompletableFuture<?> confirmed, String routingKey, long deadline) {
    try {
      confirmed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new BrokerException(timedOut("the publish to '" + routingKey + "'"), e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof BrokerException b
          ? new BrokerException(b.getMessage(), b)
          : new BrokerException("publish to '" + routingKey + "' failed: " + e.getCause(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerException("interrupted while waiting for RabbitMQ to confirm a publish", e);
    }
  }

  private PublishLane.Pending sendWhileRecovering(
      PublishLane lane,
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body,
      boolean mandatory,
      boolean async,
      long deadline) {
    while (true) {
      if (closed) {
        throw new BrokerException(
            "the RabbitMQ broker is closed: cannot publish to '" + routingKey + "'");
      }
      try {
        return lane.send(exchange, routingKey, props, body, mandatory, async);
      } catch (BrokerException e) {
        if (closed || connection.isOpen() || System.nanoTime() > deadline) {
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
    closed = true;
    for (PublishLane lane : lanes) {
      lane.close();
    }
    completer.shutdown();
  }
}
