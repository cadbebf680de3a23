package dev.apium.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.MalformedMessageException;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Settings;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ broker ({@code amqp://}, {@code amqps://}, {@code pyamqp://}), speaking Celery's
 * AMQP topology natively: tasks go to the anonymous exchange with the queue as routing key, every
 * publish waits for its publisher confirm ({@link #publishAsync} hands out a future of it instead),
 * consumers use manual acks (batched, see {@link AckTracker}) and {@code basic.qos}. Two recovering
 * connections: one publishes and declares (opened at once, so a bad URL fails fast), one consumes
 * (opened on first use), as RabbitMQ recommends so that publish flow control never stalls acks.
 * Shared by all threads; two threads of its own start on first use: {@code apium-amqp-acks} sends
 * batched acks whose linger expired, {@code apium-amqp-confirms} completes {@link #publishAsync}
 * futures. {@link #close()} sends the acks still waiting, closes both connections, and RabbitMQ
 * returns every unacked delivery to its queue.
 */
public final class AmqpBroker implements Broker {
  static final Logger LOG = LoggerFactory.getLogger(AmqpBroker.class);
  static final String MAX_PRIORITY = "task_queue_max_priority";
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);

  private final AmqpConnector connector;
  private final Connection publishing;
  private final Publisher publisher;
  private final Publisher broadcaster;
  private final StopWaits stopWaits = new StopWaits();
  private final Topology topology;
  private final DelayLadder ladder;
  private final Map<String, Object> deadLetterCaps;
  private final NativeDelayedDelivery nativeLadder;
  private final Set<AmqpConsumption> consumptions = ConcurrentHashMap.newKeySet();
  private Connection consuming; // guarded by this
  private ScheduledExecutorService ackTimer; // guarded by this

  public AmqpBroker(String url, Settings config) {
    this.deadLetterCaps =
        Map.of(
            "x-max-length",
            Long.parseLong(config.get(Settings.DEAD_LETTER_MAX, "10000")),
            "x-message-ttl",
            config.getSeconds(Settings.DEAD_LETTER_TTL, Duration.ofDays(7)).toMillis());
    this.connector = new AmqpConnector(AmqpUrl.parse(url), config);
    QueueSettings settings = new QueueSettings(config);
    this.publishing = connector.open("publisher");
    this.publisher = new Publisher(publishing, 2, true, CONFIRM_TIMEOUT);
    this.broadcaster = new Publisher(publishing, 1, false, CONFIRM_TIMEOUT);
    this.topology = new Topology(publishing, settings);
    this.ladder = new DelayLadder(topology);
    this.nativeLadder =
        new NativeDelayedDelivery(topology, config.get(NativeDelayedDelivery.QUEUE_TYPE, "quorum"));
  }

  @Override
  public void publish(String exchange, String routingKey, WireMessage message) {
    Route route = route(exchange, routingKey, message);
    publisher.publish(
        route.exchange(),
        route.routingKey(),
        AmqpMessages.properties(message, 2, true),
        message.body(),
        false);
  }

  /**
   * Publishes like {@link #publish} without waiting for the confirm: returns once the message is
   * written to the socket (or, while the connection recovers, once it could be), and the future
   * completes when RabbitMQ confirms it. The future fails with {@link BrokerException} on a nack,
   * when RabbitMQ returns the message because no queue takes it (it is published mandatory), when
   * the channel or connection is lost before the confirm, when no confirm comes within 30 s, or
   * when the message cannot be written at all (a missing exchange, a closed broker); this method
   * does not throw it. Messages published from one thread reach RabbitMQ in that order. The future
   * completes on the {@code apium-amqp-confirms} thread: dependent actions should be short.
   */
  @Override
  public CompletableFuture<Void> publishAsync(
      String exchange, String routingKey, WireMessage message) {
    try {
      Route route = route(exchange, routingKey, message);
      return publisher.publishAsync(
          route.exchange(),
          route.routingKey(),
          AmqpMessages.properties(message, 2, true),
          message.body(),
          true);
    } catch (BrokerException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Where a message goes on the wire. */
  private record Route(String exchange, String routingKey) {}

  /**
   * The wire route of a publish: straight to the queue through the anonymous exchange, or, for a
   * queue configured with an exchange ({@code task_queues.<q>.exchange}), through that exchange
   * with its routing key, as kombu does; a countdown to a queue on a non-direct exchange of a
   * quorum setup goes through Celery's native delayed delivery ({@code celery_delayed_27}).
   */
  private Route route(String exchange, String routingKey, WireMessage message) {
    if (!exchange.isEmpty()) {
      topology.ensureExchange(exchange);
      return new Route(exchange, routingKey);
    }
    QueueSpec spec = topology.settings().spec(routingKey);
    if (!spec.explicit() || spec.exchange().isEmpty()) {
      topology.ensureQueue(routingKey);
      return new Route("", routingKey);
    }
    topology.declareTaskQueue(routingKey);
    if (!spec.direct() && nativeDelayedDelivery(routingKey)) {
      long countdown = countdown(message.header("eta"), Instant.now());
      if (countdown >= 1) {
        nativeLadder.prepare(spec);
        return new Route(
            NativeDelayedDelivery.entry(),
            NativeDelayedDelivery.routingKey(countdown, spec.routingKey()));
      }
    }
    return new Route(spec.exchange(), spec.routingKey());
  }

  /** Celery's rule: native delayed delivery on RabbitMQ when any queue of the app is quorum. */
  private boolean nativeDelayedDelivery(String queue) {
    return topology.settings().anyQuorum() || topology.isQuorum(queue);
  }

  /** Whole seconds from now to the {@code eta} header, as Celery's {@code int(countdown)}. */
  static long countdown(Object eta, Instant now) {
    if (!(eta instanceof String text) || text.isEmpty()) {
      return 0;
    }
    try {
      return Duration.between(now, CeleryJson.parseInstant(text)).toMillis() / 1000;
    } catch (MalformedMessageException e) {
      return 0; // the worker reports the bad header; the message travels as it is
    }
  }

  /** All messages on one publishing channel, then one wait for their confirms. */
  @Override
  public void publishAll(String exchange, String routingKey, List<WireMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    Route route = route(exchange, routingKey, messages.get(0));
    if (NativeDelayedDelivery.isLadder(route.exchange()) && messages.size() > 1) {
      for (WireMessage message : messages) { // each may carry its own countdown
        publish(exchange, routingKey, message);
      }
      return;
    }
    List<AMQP.BasicProperties> props = new ArrayList<>(messages.size());
    List<byte[]> bodies = new ArrayList<>(messages.size());
    for (WireMessage message : messages) {
      props.add(AmqpMessages.properties(message, 2, true));
      bodies.add(message.body());
    }
    publisher.publishAll(route.exchange(), route.routingKey(), props, bodies);
  }

  /**
   * Consumes with a per-channel prefetch, or per consumer when a queue is quorum (Celery's {@code
   * worker_detect_quorum_queues}): RabbitMQ refuses a global one there with a connection error.
   */
  @Override
  public Subscription consume(List<String> queues, int prefetch, Consumer<Delivery> handler) {
    queues.forEach(topology::declareTaskQueue);
    boolean quorum =
        topology.settings().detectQuorum() && queues.stream().anyMatch(topology::isQuorum);
    for (String queue : queues) {
      if (nativeDelayedDelivery(queue)) {
        bindDelayedDelivery(queue);
      }
    }
    if (quorum) {
      LOG.info("global QoS is off for quorum queues {}: the prefetch count is now static", queues);
    }
    AmqpConsumption consumption =
        AmqpConsumption.start(
            this, consumerChannel(), queues, prefetch, handler, ackTimer(), !quorum);
    consumptions.add(consumption);
    return consumption;
  }

  /**
   * What a Celery 5.5+ worker does for each of its queues on a quorum setup: the native ladder and
   * the {@code #.<routing key>} bindings (a warning, as in Celery, for a direct exchange).
   */
  private void bindDelayedDelivery(String queue) {
    QueueSpec spec = topology.settings().spec(queue);
    try {
      if (!nativeLadder.prepare(spec) && spec.explicit()) {
        LOG.warn(
            "queue '{}': direct exchanges are not supported with native delayed delivery;"
                + " Python clients publish its countdowns straight to it",
            queue);
      }
    } catch (BrokerException e) {
      LOG.warn(
          "queue '{}' left out of Celery's native delayed delivery: {}", queue, e.getMessage());
    }
  }

  /** A consumption whose channel is closed. */
  void forget(AmqpConsumption consumption) {
    consumptions.remove(consumption);
  }

  /** The one thread that sends batched acks whose linger expired, for every consumption. */
  private synchronized ScheduledExecutorService ackTimer() {
    if (ackTimer == null) {
      ackTimer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("apium-amqp-acks"));
    }
    return ackTimer;
  }

  @Override
  public void declareQueue(String queue) {
    topology.declareTaskQueue(queue);
  }

  @Override
  public void bindQueue(String queue, String exchange, String routingKey) {
    topology.declareTaskQueue(queue);
    topology.declareExchange(exchange, "direct", true);
    topology.bind(queue, exchange, routingKey);
  }

  @Override
  public long purge(String queue) {
    return topology.purge(queue);
  }

  @Override
  public long size(String queue) {
    return topology.size(queue);
  }

  @Override
  public void publishFanout(String exchange, String routingKey, WireMessage message) {
    topology.declareExchange(exchange, exchangeType(exchange), exchange.equals("celeryev"));
    broadcaster.publish(
        exchange, routingKey, AmqpMessages.properties(message, 1, true), message.body(), false);
  }

  @Override
  public Subscription subscribeFanout(
      String exchange, String bindingKey, Consumer<WireMessage> listener) {
    String type = exchangeType(exchange);
    topology.declareExchange(exchange, type, exchange.equals("celeryev"));
    return FanoutListener.start(consumerChannel(), stopWaits, exchange, type, bindingKey, listener);
  }

  /**
   * Celery's exchange types: pidbox requests a fanout, pidbox replies direct, events (and any other
   * broadcast exchange, so that binding patterns work) a topic.
   */
  static String exchangeType(String exchange) {
    return switch (exchange) {
      case "celery.pidbox" -> "fanout";
      case "reply.celery.pidbox" -> "direct";
      default -> "topic";
    };
  }

  /**
   * Copies a message that cannot be processed into the durable queue {@code <queue>.dead}, declared
   * with the caps {@code dead_letter_max} ({@code x-max-length}: the oldest drop first) and {@code
   * dead_letter_ttl} ({@code x-message-ttl}); a dead queue that exists with other arguments is used
   * as it is.
   */
  void deadLetter(String queue, WireMessage message) {
    String dead = queue + ".dead";
    topology.declareDurable(dead, topology.isQuorum(queue), deadLetterCaps);
    publisher.publish("", dead, AmqpMessages.properties(message, 2, false), message.body(), false);
  }

  /**
   * Parks a copy of the message for {@code seconds}, back into {@code queue}: through Celery's
   * native ladder on a quorum setup (so that one ladder serves Python and Apium), Apium's own
   * {@code apium.delay.*} ladder otherwise.
   */
  void park(String queue, WireMessage message, long seconds) {
    String exchange;
    String routingKey;
    if (nativeDelayedDelivery(queue)) {
      QueueSpec spec = topology.settings().spec(queue);
      boolean celeryForm = nativeLadder.prepare(spec);
      exchange = NativeDelayedDelivery.entry();
      routingKey =
          NativeDelayedDelivery.routingKey(seconds, celeryForm ? spec.routingKey() : queue);
    } else {
      ladder.prepare(queue);
      exchange = DelayLadder.entry();
      routingKey = DelayLadder.routingKey(seconds, queue);
    }
    publisher.publish(
        exchange, routingKey, AmqpMessages.properties(message, 2, false), message.body(), false);
  }

  QueueSpec spec(String queue) {
    return topology.settings().spec(queue);
  }

  /** A channel of its own on the consuming connection, for reading dead letters. */
  Channel adminChannel() {
    return consumerChannel();
  }

  @Override
  public java.util.Optional<dev.apium.spi.DeadLetters> deadLetters() {
    return java.util.Optional.of(new AmqpDeadLetters(this));
  }

  private synchronized Channel consumerChannel() {
    if (consuming == null) {
      consuming = connector.open("consumer");
    }
    try {
      return consuming.createChannel();
    } catch (IOException | AlreadyClosedException e) {
      throw new BrokerException("cannot open a RabbitMQ channel: " + Amqp.replyText(e), e);
    }
  }

  @Override
  public String describe() {
    return connector.url().masked();
  }

  /** The bound on what closing consumers, listeners and this broker waits for from RabbitMQ. */
  StopWaits stopWaits() {
    return stopWaits;
  }

  @Override
  public void close() {
    stopWaits.within(
        "the close of the publishing channels",
        () -> {
          publisher.close();
          broadcaster.close();
        });
    consumptions.forEach(AmqpConsumption::flushAcks);
    Connection consumer;
    ScheduledExecutorService timer;
    synchronized (this) {
      consumer = consuming;
      timer = ackTimer;
    }
    if (timer != null) {
      timer.shutdown();
    }
    closeQuietly(consumer);
    closeQuietly(publishing);
  }

  /** Closes, or aborts without waiting long for RabbitMQ once it left a call unanswered. */
  private void closeQuietly(Connection connection) {
    if (connection != null && connection.isOpen()) {
      try {
        if (stopWaits.unanswered()) {
          connection.abort(500);
          return;
        }
        connection.close(5000);
      } catch (IOException | AlreadyClosedException e) {
        LOG.debug("closing a RabbitMQ connection failed", e);
      } catch (ShutdownSignalException e) {
        // close(timeout) throws this when RabbitMQ did not answer the close in time (a node that
        // went silent during the close itself, after every earlier call was answered): abort it.
        LOG.debug("RabbitMQ did not answer a connection close in time; aborting it", e);
        connection.abort(500);
      }
    }
  }
}
