package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.apium.spi.BrokerException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One publishing channel in confirm mode and its unconfirmed publishes, in publish sequence order.
 * Publishing threads hold the lane's monitor only while writing the frame, and a short separate
 * lock while adding to the pending queue; RabbitMQ's ack/nack and {@code basic.return} (on the
 * connection thread) settle entries: a return marks the entry it belongs to (the earliest
 * unconfirmed one with the same exchange, routing key and body, since RabbitMQ returns a message
 * before confirming it), so that its confirm fails it. A channel shutdown fails every pending
 * entry. Futures a caller waits on ({@link Publisher#publish}) complete on the connection thread;
 * futures handed out by {@link Publisher#publishAsync} complete on the {@code completer}, so that
 * their callbacks never run on (and block) amqp-client's connection thread. A channel the server
 * closed (a channel error) is replaced on the next publish; connection loss is repaired by
 * amqp-client's recovery. {@link #close()} closes the channel and fails what is still pending.
 */
final class PublishLane implements AutoCloseable {
  /** One unconfirmed publish. */
  static final class Pending {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final boolean async;
    final String exchange;
    final String routingKey;
    final byte[] body;
    final long sentNanos = System.nanoTime();
    long seq;
    String returned; // guarded by the lane's pending lock

    Pending(boolean async, String exchange, String routingKey, byte[] body) {
      this.async = async;
      this.exchange = exchange;
      this.routingKey = routingKey;
      this.body = body;
    }

    boolean matches(String exchange, String routingKey, byte[] body) {
      return returned == null
          && this.exchange.equals(exchange)
          && this.routingKey.equals(routingKey)
          && Arrays.equals(this.body, body);
    }
  }

  private final Connection connection;
  private final boolean confirms;
  private final Executor completer;
  private final Object lock = new Object();
  private final ArrayDeque<Pending> pending = new ArrayDeque<>(); // guarded by lock
  private Channel channel; // guarded by this

  PublishLane(Connection connection, boolean confirms, Executor completer) {
    this.connection = connection;
    this.confirms = confirms;
    this.completer = completer;
  }

  /**
   * Writes the message; its entry's future completes when RabbitMQ confirms it (at once without
   * confirms). {@code mandatory} asks RabbitMQ to return the message if no queue takes it, which
   * fails the future. Throws {@link BrokerException} when the frame cannot be written.
   */
  synchronized Pending send(
      String exchange,
      String routingKey,
      AMQP.BasicProperties props,
      byte[] body,
      boolean mandatory,
      boolean async) {
    Channel ch = open();
    Pending entry = new Pending(async, exchange, routingKey, body);
    if (confirms) {
      entry.seq = ch.getNextPublishSeqNo();
      synchronized (lock) {
        pending.addLast(entry);
      }
    }
    try {
      ch.basicPublish(exchange, routingKey, mandatory, props, body);
    } catch (IOException | AlreadyClosedException e) {
      synchronized (lock) {
        pending.removeLastOccurrence(entry);
      }
      throw new BrokerException(
          "cannot publish to RabbitMQ (exchange '"
              + exchange
              + "', routing key '"
              + routingKey
              + "'): "
              + Amqp.replyText(e),
          e);
    }
    if (!confirms) {
      entry.future.complete(null);
    }
    return entry;
  }

  private Channel open() {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    failAll("the publishing channel was closed");
    try {
      Channel ch = connection.createChannel();
      if (channel != null) {
        closeQuietly(channel);
      }
      if (confirms) {
        ch.confirmSelect();
        ch.addConfirmListener(
            (tag, multiple) -> settle(tag, multiple, false),
            (tag, multiple) -> settle(tag, multiple, true));
        ch.addReturnListener(
            r ->
                returned(
                    r.getReplyCode(),
                    r.getReplyText(),
                    r.getExchange(),
                    r.getRoutingKey(),
                    r.getBody()));
      }
      ch.addShutdownListener(signal -> onShutdown(signal));
      channel = ch;
      return ch;
    } catch (IOException | AlreadyClosedException e) {
      throw new BrokerException("cannot open a RabbitMQ channel: " + Amqp.replyText(e), e);
    }
  }

  private void returned(int code, String text, String exchange, String routingKey, byte[] body) {
    synchronized (lock) {
      for (Pending entry : pending) {
        if (entry.matches(exchange, routingKey, body)) {
          entry.returned = code + " " + text;
          return;
        }
      }
    }
    AmqpBroker.LOG.warn(
        "RabbitMQ returned a message to exchange '{}' with routing key '{}' ({} {})",
        exchange,
        routingKey,
        code,
        text);
  }

  private void settle(long tag, boolean multiple, boolean nack) {
    List<Pending> done = new ArrayList<>(multiple ? 8 : 1);
    synchronized (lock) {
      if (multiple) {
        while (!pending.isEmpty() && pending.peekFirst().seq <= tag) {
          done.add(pending.pollFirst());
        }
      } else if (!pending.isEmpty() && pending.peekFirst().seq == tag) {
        done.add(pending.pollFirst());
      } else {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
          Pending entry = it.next();
          if (entry.seq == tag) {
            it.remove();
            done.add(entry);
            break;
          }
        }
      }
    }
    complete(done, nack ? null : "");
  }

  /**
   * Completes the entries: {@code failure} null means nacked, empty means confirmed (failing those
   * RabbitMQ returned), otherwise the reason they are lost.
   */
  private void complete(List<Pending> entries, String failure) {
    List<Runnable> later = null;
    for (Pending entry : entries) {
      BrokerException error = error(entry, failure);
      if (!entry.async) {
        finish(entry, error);
      } else {
        if (later == null) {
          later = new ArrayList<>(entries.size());
        }
        later.add(() -> finish(entry, error));
      }
    }
    if (later != null) {
      List<Runnable> batch = later;
      try {
        completer.execute(() -> batch.forEach(Runnable::run));
      } catch (RejectedExecutionException e) {
        batch.forEach(Runnable::run); // closing: no callbacks can be running anywhere else
      }
    }
  }

  private static BrokerException error(Pending entry, String failure) {
    if (failure == null) {
      return new BrokerException(
          "RabbitMQ refused (nack) a published message: the queue may be full"
              + " (x-max-length with reject-publish) or the broker failed to store it");
    }
    if (failure.isEmpty()) {
      return entry.returned == null
          ? null
          : new BrokerException(
              "RabbitMQ could not route the message published to exchange '"
                  + entry.exchange
                  + "' with routing key '"
                  + entry.routingKey
                  + "' ("
                  + entry.returned
                  + "): no queue is bound to it; declare the queue or binding first");
    }
    return new BrokerException(failure);
  }

  private static void finish(Pending entry, BrokerException error) {
    if (error == null) {
      entry.future.complete(null);
    } else {
      entry.future.completeExceptionally(error);
    }
  }

  /** Fails the entries sent before {@code cutoffNanos} that RabbitMQ has not confirmed yet. */
  void expire(long cutoffNanos, String why) {
    List<Pending> late = new ArrayList<>();
    synchronized (lock) {
      while (!pending.isEmpty() && pending.peekFirst().sentNanos - cutoffNanos < 0) {
        late.add(pending.pollFirst());
      }
    }
    complete(late, why);
  }

  private void onShutdown(ShutdownSignalException signal) {
    failAll(
        "RabbitMQ closed the channel before confirming the publish ("
            + Amqp.replyText(signal)
            + "); the message may not be stored");
  }

  private void failAll(String why) {
    List<Pending> lost;
    synchronized (lock) {
      if (pending.isEmpty()) {
        return;
      }
      lost = new ArrayList<>(pending);
      pending.clear();
    }
    complete(lost, why);
  }

  /** Closes a replaced channel so that amqp-client stops recovering it. */
  private static void closeQuietly(Channel old) {
    try {
      old.close();
    } catch (IOException | java.util.concurrent.TimeoutException | AlreadyClosedException e) {
      // already closed by the server; nothing is left to release
    }
  }

  @Override
  public synchronized void close() {
    if (channel != null) {
      closeQuietly(channel);
    }
    failAll("the broker was closed before RabbitMQ confirmed the publish");
  }
}
