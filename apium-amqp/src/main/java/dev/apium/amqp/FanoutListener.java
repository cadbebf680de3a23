package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Subscription;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Listens on an events or remote-control exchange through a private queue declared the way Celery
 * declares it (auto-delete, not durable, with Celery's {@code x-expires}/{@code x-message-ttl}),
 * consuming without acks as kombu's event receivers do. The listener runs on amqp-client's consumer
 * thread; amqp-client re-declares the queue and consumer after a connection loss. {@link #close()}
 * closes the channel (within {@link StopWaits}), and RabbitMQ deletes the queue.
 */
final class FanoutListener implements Subscription {
  private final Channel channel;
  private final StopWaits stopWaits;

  private FanoutListener(Channel channel, StopWaits stopWaits) {
    this.channel = channel;
    this.stopWaits = stopWaits;
  }

  /** Queue name and arguments Celery uses for a listener on {@code exchange}. */
  record QueuePlan(String name, Map<String, Object> arguments) {
    static QueuePlan forExchange(String exchange, String bindingKey) {
      String id = UUID.randomUUID().toString();
      return switch (exchange) {
        case "celery.pidbox" ->
            new QueuePlan(
                id + ".celery.pidbox", Map.of("x-expires", 10000, "x-message-ttl", 300000));
        case "reply.celery.pidbox" ->
            new QueuePlan(
                (bindingKey.isEmpty() ? id : bindingKey) + ".reply.celery.pidbox",
                Map.of("x-expires", 10000));
        default ->
            new QueuePlan(exchange + "." + id, Map.of("x-expires", 60000, "x-message-ttl", 5000));
      };
    }
  }

  static FanoutListener start(
      Channel channel,
      StopWaits stopWaits,
      String exchange,
      String type,
      String bindingKey,
      Consumer<WireMessage> listener) {
    QueuePlan plan = QueuePlan.forExchange(exchange, bindingKey);
    String key =
        switch (type) {
          case "topic" -> bindingKey.isEmpty() ? "#" : bindingKey;
          case "fanout" -> "";
          default -> bindingKey;
        };
    FanoutListener subscription = new FanoutListener(channel, stopWaits);
    try {
      channel.exchangeDeclare(exchange, type, exchange.equals("celeryev"));
      channel.queueDeclare(plan.name(), false, false, true, plan.arguments());
      channel.queueBind(plan.name(), exchange, key);
      channel.basicConsume(
          plan.name(),
          true,
          new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(
                String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
              try {
                listener.accept(AmqpMessages.wire(props, body));
              } catch (RuntimeException e) {
                AmqpBroker.LOG.error("listener on exchange '{}' failed", exchange, e);
              }
            }
          });
    } catch (IOException | AlreadyClosedException e) {
      subscription.close();
      throw new BrokerException(
          "cannot listen on exchange '" + exchange + "': " + Amqp.replyText(e), e);
    }
    return subscription;
  }

  @Override
  public void close() {
    if (channel.isOpen()) {
      stopWaits.within("the close of a listener's channel", this::closeChannel);
    }
  }

  private void closeChannel() {
    try {
      channel.close();
    } catch (IOException | TimeoutException | AlreadyClosedException e) {
      // already closing with its connection
    }
  }
}
