package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.impl.recovery.AutorecoveringChannel;
import com.rabbitmq.client.impl.recovery.RecoveryAwareChannelN;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One {@code Broker.consume} call: a channel of its own with manual acks, one AMQP consumer per
 * queue, and {@code basic.qos(prefetch, global=true)}, RabbitMQ's per-channel limit shared by the
 * consumers (what Celery uses on RabbitMQ, and what lets {@link #setPrefetch} apply at once); on
 * quorum queues, which refuse a global limit, {@code basic.qos(prefetch, global=false)} per
 * consumer instead, and the prefetch is then static, as in Celery 5.5+ ({@code
 * worker_detect_quorum_queues}). The handler runs on amqp-client's consumer thread for this
 * channel; acks and rejects from any thread are serialised on the channel under one lock. Acks are
 * batched by an {@link AckTracker}: a settling thread sends them once a quarter of the prefetch
 * window waits, otherwise the broker's ack timer sends them within {@link #LINGER_MICROS} (acks
 * behind a still unsettled delivery wait up to {@link #GAP_NANOS}, or until half the window waits);
 * rejects go out at once. amqp-client re-creates the channel, qos and consumers after a connection
 * loss. {@link #close()} cancels the consumers (waiting for RabbitMQ within {@link StopWaits}) and,
 * once every handed-out delivery is settled and the cancel answered, sends the waiting acks and
 * closes the channel; {@link #flushAcks()} sends them early (broker close).
 */
final class AmqpConsumption implements Subscription {
  /** How long a settled ack may wait for others to share its frame. */
  static final long LINGER_MICROS = 1000;

  /** How long an unsettled delivery may hold back the acks of later ones. */
  static final long GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The most acks that wait for a shared frame. */
  private static final int MAX_BATCH = 64;

  private final AmqpBroker broker;
  private final Channel channel;
  private final ScheduledExecutorService timer;
  private final boolean globalQos;
  private final List<String> consumerTags = new ArrayList<>();
  private final AtomicInteger outstanding = new AtomicInteger();

  /** Settlements a closed channel could not take: the first is logged, the rest counted. */
  private final AtomicInteger unsettleable = new AtomicInteger();

  private final Object lock = new Object();
  private final AckTracker acks = new AckTracker(GAP_NANOS); // guarded by lock
  private int batch; // guarded by lock
  private int urgent; // guarded by lock
  private boolean flushScheduled; // guarded by lock
  private volatile boolean closed;

  /** Set once RabbitMQ answered the consumers' cancel, or the channel was already gone. */
  private volatile boolean cancelled;

  private final AtomicBoolean channelClosing = new AtomicBoolean();

  private AmqpConsumption(
      AmqpBroker broker,
      Channel channel,
      ScheduledExecutorService timer,
      int prefetch,
      boolean globalQos) {
    this.broker = broker;
    this.channel = channel;
    this.timer = timer;
    this.globalQos = globalQos;
    window(prefetch);
  }

  /**
   * Acks wait for a shared frame until a quarter of the window waits, and behind an unsettled
   * delivery until half of it does, so that waiting acks never starve the window.
   */
  private void window(int prefetch) {
    batch = prefetch <= 0 ? MAX_BATCH : Math.max(1, Math.min(prefetch / 4, MAX_BATCH));
    urgent = prefetch <= 0 ? 4 * MAX_BATCH : Math.max(1, prefetch / 2);
  }

  static AmqpConsumption start(
      AmqpBroker broker,
      Channel channel,
      List<String> queues,
      int prefetch,
      Consumer<Delivery> handler,
      ScheduledExecutorService timer,
      boolean globalQos) {
    AmqpConsumption consumption = new AmqpConsumption(broker, channel, timer, prefetch, globalQos);
    try {
      channel.basicQos(prefetch, globalQos);
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
        synchronized (lock) {
          acks.delivered(envelope.getDeliveryTag());
        }
        String exchange = envelope.getExchange();
        String routingKey = envelope.getRoutingKey();
        if (DelayLadder.isLadder(exchange)) {
          exchange = "";
          routingKey = DelayLadder.target(routingKey);
        } else if (NativeDelayedDelivery.isLadder(exchange)) {
          QueueSpec spec = broker.spec(queue);
          exchange = spec.direct() ? "" : spec.exchange();
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
    boolean schedule = false;
    synchronized (lock) {
      if (acks.acked(tag)) {
        if (acks.pending() >= batch) {
          flushLocked(urgent);
        }
        if (acks.pending() > 0 && !flushScheduled) {
          flushScheduled = true;
          schedule = true;
        }
      } else {
        send(tag, false, false); // a stale tag: amqp-client drops it
      }
    }
    if (schedule) {
      scheduleFlush();
    }
    settled();
  }

  void reject(long tag, boolean requeue) {
    synchronized (lock) {
      send(tag, true, requeue);
      acks.removed(tag);
    }
    settled();
  }

  private void send(long tag, boolean reject, boolean requeue) {
    try {
      if (reject) {
        channel.basicReject(tag, requeue);
      } else {
        channel.basicAck(tag, false);
      }
    } catch (IOException | AlreadyClosedException e) {
      if (unsettleable.incrementAndGet() == 1) {
        AmqpBroker.LOG.warn(
            "cannot settle delivery {}: channel closed, RabbitMQ returns it to the queue (others"
                + " on this channel are counted when it closes)",
            tag);
      }
    }
  }

  private void settled() {
    if (outstanding.decrementAndGet() <= 0 && closed) {
      closeChannel();
    }
  }

  private void scheduleFlush() {
    try {
      timer.schedule(this::timedFlush, LINGER_MICROS, TimeUnit.MICROSECONDS);
    } catch (RejectedExecutionException e) {
      flushAcks(); // the broker is closing
    }
  }

  private void timedFlush() {
    boolean again;
    synchronized (lock) {
      flushLocked(urgent);
      again = acks.pending() > 0;
      flushScheduled = again;
    }
    if (again) {
      scheduleFlush();
    }
  }

  /** Sends every ack that waits, each safe prefix as one multiple ack. */
  void flushAcks() {
    synchronized (lock) {
      flushLocked(1);
    }
  }

  private void flushLocked(int urgentAt) {
    try {
      acks.flush(staleUpTo(), urgentAt, System.nanoTime(), channel::basicAck);
    } catch (IOException | AlreadyClosedException e) {
      AmqpBroker.LOG.warn(
          "cannot ack deliveries: channel closed, RabbitMQ returns them to the queue ({})",
          Amqp.replyText(e));
    }
  }

  /**
   * The highest tag of channel incarnations lost to connection recovery: amqp-client offsets the
   * tags of a recovered channel past it and drops acks at or below it.
   */
  private long staleUpTo() {
    if (channel instanceof AutorecoveringChannel recovering
        && recovering.getDelegate() instanceof RecoveryAwareChannelN delegate) {
      return delegate.getActiveDeliveryTagOffset();
    }
    return 0;
  }

  @Override
  public void setPrefetch(int prefetch) {
    synchronized (lock) {
      if (!globalQos) {
        AmqpBroker.LOG.debug("prefetch stays static on quorum queues; asked for {}", prefetch);
        return;
      }
      try {
        channel.basicQos(prefetch, true);
        window(prefetch);
      } catch (IOException | AlreadyClosedException e) {
        throw new BrokerException("cannot change prefetch: " + Amqp.replyText(e), e);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    // A hung RabbitMQ would hold the cancel for the channel's RPC timeout, and the stop with it:
    // the deliveries handed out are settled or handed back meanwhile (acks and rejects need no
    // answer), and what stays unacknowledged RabbitMQ requeues when the connection closes.
    if (!broker
        .stopWaits()
        .within("the cancel of consumers " + consumerTags, this::cancelConsumers)) {
      return; // the cancel's thread closes the channel if RabbitMQ ever answers
    }
    if (outstanding.get() <= 0) {
      closeChannel();
    }
  }

  private void cancelConsumers() {
    for (String tag : consumerTags) {
      try {
        channel.basicCancel(tag);
      } catch (IOException | AlreadyClosedException e) {
        // the channel is already gone, and with it the consumer
      }
    }
    cancelled = true;
    if (outstanding.get() <= 0) {
      closeChannel(); // after a late answer, the stop did not wait for this
    }
  }

  /**
   * Once the cancel was answered (closing before would wait for RabbitMQ as the cancel does) and
   * only once: the last settlement and a late cancel's thread may both get here.
   */
  private void closeChannel() {
    if (!cancelled || !channelClosing.compareAndSet(false, true)) {
      return;
    }
    synchronized (lock) {
      flushLocked(1);
      broker.forget(this);
      int lost = unsettleable.get();
      if (lost > 1) {
        AmqpBroker.LOG.warn(
            "{} deliveries could not be settled on a closed channel; RabbitMQ returned them to"
                + " their queues",
            lost);
      }
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
