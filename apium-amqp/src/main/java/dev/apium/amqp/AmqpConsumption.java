package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One {@code Broker.consume} call: a channel of its own with manual acks, one AMQP consumer per
 * queue, and {@code basic.qos(prefetch, global=true)}, RabbitMQ's per-channel limit shared by the
 * consumers (what Celery uses on RabbitMQ, and what lets {@link #setPrefetch} apply at once). The
 * handler runs on amqp-client's consumer thread for this channel; acks and rejects from any thread
 * are serialised on the channel. amqp-client re-creates the channel, qos and consumers after a
 * connection loss. {@link #close()} cancels the consumers and closes the channel once every
 * handed-out delivery is settled.
 */
final class AmqpConsumption implements Subscription {
  private final AmqpBroker broker;
  private final Channel channel;
  private final List<String> consumerTags = new ArrayList<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final Object lock = new Object();
  private volatile boolean closed;

  private AmqpConsumption(AmqpBroker broker, Channel channel) {
    this.broker = broker;
    this.channel = channel;
  }

  static AmqpConsumption start(
      AmqpBroker broker,
      Channel channel,
      List<String> queues,
      int prefetch,
      Consumer<Delivery> handler) {
    AmqpConsumption consumption = new AmqpConsumption(broker, channel);
    try {
      channel.basicQos(prefetch, true);
      for (String queue : queues) {
        consumption.consumerTags.add(
            channel.basicConsume(queue, false, consumption.consumer(queue, handler)));
      }
    } catch (IOException | AlreadyClosedException e) {
      consumption.close();
      throw new BrokerException(
          "cannot consume from " + queues + " on RabbitMQ: " + Amqp.replyText(e), e);
    }
    return consumption;
  }

  private DefaultConsumer consumer(String queue, Consumer<Delivery> handler) {
    return new DefaultConsumer(channel) {
      @Override
      public void handleDelivery(
          String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
        outstanding.incrementAndGet();
        String exchange = envelope.getExchange();
        String routingKey = envelope.getRoutingKey();
        if (DelayLadder.isLadder(exchange)) {
          exchange = "";
          routingKey = DelayLadder.target(routingKey);
        }
        AmqpDelivery delivery =
            new AmqpDelivery(
                AmqpConsumption.this,
                envelope.getDeliveryTag(),
                envelope.isRedeliver(),
                queue,
                exchange,
                routingKey,
                AmqpMessages.wire(props, body));
        try {
          handler.accept(delivery);
        } catch (RuntimeException e) {
          AmqpBroker.LOG.error(
              "delivery handler failed on queue '{}'; moving the message to '{}.dead'",
              queue,
              queue,
              e);
          try {
            delivery.deadLetter("handler failed: " + e);
          } catch (RuntimeException again) {
            AmqpBroker.LOG.error("cannot dead-letter it either; RabbitMQ requeued it", again);
          }
        }
      }

      @Override
      public void handleCancel(String consumerTag) {
        AmqpBroker.LOG.warn(
            "RabbitMQ cancelled the consumer of queue '{}' (deleted?); no more deliveries from it",
            queue);
      }
    };
  }

  AmqpBroker broker() {
    return broker;
  }

  void ack(long tag) {
    settle(tag, false, false);
  }

  void reject(long tag, boolean requeue) {
    settle(tag, true, requeue);
  }

  private void settle(long tag, boolean reject, boolean requeue) {
    synchronized (lock) {
      try {
        if (reject) {
          channel.basicReject(tag, requeue);
        } else {
          channel.basicAck(tag, false);
        }
      } catch (IOException | AlreadyClosedException e) {
        AmqpBroker.LOG.warn(
            "cannot settle delivery {}: channel closed, RabbitMQ returns it to the queue", tag);
      }
    }
    if (outstanding.decrementAndGet() <= 0 && closed) {
      closeChannel();
    }
  }

  @Override
  public void setPrefetch(int prefetch) {
    synchronized (lock) {
      try {
        channel.basicQos(prefetch, true);
      } catch (IOException | AlreadyClosedException e) {
        throw new BrokerException("cannot change prefetch: " + Amqp.replyText(e), e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      for (String tag : consumerTags) {
        try {
          channel.basicCancel(tag);
        } catch (IOException | AlreadyClosedException e) {
          // the channel is already gone, and with it the consumer
        }
      }
    }
    if (outstanding.get() <= 0) {
      closeChannel();
    }
  }

  private void closeChannel() {
    synchronized (lock) {
      if (channel.isOpen()) {
        try {
          channel.close();
        } catch (IOException | TimeoutException | AlreadyClosedException e) {
          // closing: RabbitMQ requeues whatever is left
        }
      }
    }
  }
}
