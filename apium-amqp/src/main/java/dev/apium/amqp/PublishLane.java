package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.apium.spi.BrokerException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One publishing channel in confirm mode and the futures of its unconfirmed publishes, keyed by
 * publish sequence number. Publishing threads hold the lane's lock only while writing the frame;
 * RabbitMQ's ack/nack (on the connection thread) completes the futures; a channel shutdown fails
 * every pending future. A channel the server closed (a channel error) is replaced on the next
 * publish; connection loss is repaired by amqp-client's recovery. {@link #close()} closes the
 * channel and fails what is still pending.
 */
final class PublishLane implements AutoCloseable {
  private final Connection connection;
  private final boolean confirms;
  private final ConcurrentNavigableMap<Long, CompletableFuture<Void>> pending =
      new ConcurrentSkipListMap<>();
  private Channel channel; // guarded by this

  PublishLane(Connection connection, boolean confirms) {
    this.connection = connection;
    this.confirms = confirms;
  }

  /**
   * Writes the message; the future completes when RabbitMQ confirms it (at once without confirms).
   */
  synchronized CompletableFuture<Void> send(
      String exchange, String routingKey, AMQP.BasicProperties props, byte[] body) {
    Channel ch = open();
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    long seq = ch.getNextPublishSeqNo();
    if (confirms) {
      pending.put(seq, confirmed);
    }
    try {
      ch.basicPublish(exchange, routingKey, false, props, body);
    } catch (IOException | AlreadyClosedException e) {
      pending.remove(seq);
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
      confirmed.complete(null);
    }
    return confirmed;
  }

  private Channel open() {
    if (channel != null && channel.isOpen()) {
      return channel;
    }
    failAll("the publishing channel was closed");
    try {
      Channel ch = connection.createChannel();
      if (confirms) {
        ch.confirmSelect();
        ch.addConfirmListener(
            (tag, multiple) -> settle(tag, multiple, null),
            (tag, multiple) ->
                settle(
                    tag,
                    multiple,
                    new BrokerException(
                        "RabbitMQ refused (nack) a published message: the queue may be full"
                            + " (x-max-length with reject-publish) or the broker failed to store"
                            + " it")));
      }
      ch.addShutdownListener(signal -> onShutdown(signal));
      channel = ch;
      return ch;
    } catch (IOException | AlreadyClosedException e) {
      throw new BrokerException("cannot open a RabbitMQ channel: " + Amqp.replyText(e), e);
    }
  }

  private void settle(long tag, boolean multiple, BrokerException error) {
    Map<Long, CompletableFuture<Void>> done =
        multiple ? pending.headMap(tag, true) : pending.subMap(tag, true, tag, true);
    for (var entry : done.entrySet()) {
      if (pending.remove(entry.getKey(), entry.getValue())) {
        if (error == null) {
          entry.getValue().complete(null);
        } else {
          entry.getValue().completeExceptionally(error);
        }
      }
    }
  }

  private void onShutdown(ShutdownSignalException signal) {
    if (signal.isInitiatedByApplication() && pending.isEmpty()) {
      return;
    }
    failAll(
        "RabbitMQ closed the channel before confirming the publish ("
            + Amqp.replyText(signal)
            + "); the message may not be stored");
  }

  private void failAll(String why) {
    for (var entry : pending.entrySet()) {
      if (pending.remove(entry.getKey(), entry.getValue())) {
        entry.getValue().completeExceptionally(new BrokerException(why));
      }
    }
  }

  @Override
  public synchronized void close() {
    if (channel != null && channel.isOpen()) {
      try {
        channel.close();
      } catch (IOException | java.util.concurrent.TimeoutException | AlreadyClosedException e) {
        // the connection is going away as well; nothing is left to release
      }
    }
    failAll("the broker was closed before RabbitMQ confirmed the publish");
  }
}
