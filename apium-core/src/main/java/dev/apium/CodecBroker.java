package dev.apium;

import dev.apium.protocol.MalformedMessageException;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.Delivery;
import dev.apium.spi.RateLimitStore;
import dev.apium.spi.Subscription;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker seen through the app's {@link MessageCodec}: task messages are sealed (signed) on
 * publish, and every delivery is opened (inflated within the cap, signature verified) before a
 * consumer sees it. A delivery the codec refuses is logged with its reason and moved to dead
 * letters; the consumer never sees it. Used only when the codec is active; thread-safe as the
 * broker it wraps, handlers run on its threads.
 */
final class CodecBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(CodecBroker.class);

  private final Broker broker;
  private final MessageCodec codec;

  CodecBroker(Broker broker, MessageCodec codec) {
    this.broker = broker;
    this.codec = codec;
  }

  @Override
  public void publish(String exchange, String routingKey, WireMessage message) {
    broker.publish(exchange, routingKey, codec.seal(message));
  }

  @Override
  public CompletableFuture<Void> publishAsync(
      String exchange, String routingKey, WireMessage message) {
    return broker.publishAsync(exchange, routingKey, codec.seal(message));
  }

  @Override
  public void publishAll(String exchange, String routingKey, List<WireMessage> messages) {
    broker.publishAll(exchange, routingKey, messages.stream().map(codec::seal).toList());
  }

  @Override
  public Subscription consume(List<String> queues, int prefetch, Consumer<Delivery> handler) {
    return broker.consume(queues, prefetch, delivery -> open(delivery, handler));
  }

  private void open(Delivery delivery, Consumer<Delivery> handler) {
    WireMessage plain;
    try {
      plain = codec.open(delivery.message(), delivery.queue());
    } catch (MalformedMessageException e) {
      log.error(
          "Refused message {}[{}] (delivery tag {}, queue {}), moved to dead letters: {}",
          delivery.message().header("task"),
          delivery.message().header("id"),
          delivery.deliveryTag(),
          delivery.queue(),
          e.getMessage());
      delivery.deadLetter(e.getMessage());
      return;
    } catch (RuntimeException e) {
      log.error(
          "Unreadable message (delivery tag {}, queue {}) moved to dead letters",
          delivery.deliveryTag(),
          delivery.queue(),
          e);
      delivery.deadLetter(String.valueOf(e));
      return;
    }
    handler.accept(plain == delivery.message() ? delivery : new Opened(delivery, plain));
  }

  @Override
  public void declareQueue(String queue) {
    broker.declareQueue(queue);
  }

  @Override
  public void bindQueue(String queue, String exchange, String routingKey) {
    broker.bindQueue(queue, exchange, routingKey);
  }

  @Override
  public long purge(String queue) {
    return broker.purge(queue);
  }

  @Override
  public long size(String queue) {
    return broker.size(queue);
  }

  @Override
  public java.util.SortedMap<Integer, Long> sizeByPriority(String queue) {
    return broker.sizeByPriority(queue);
  }

  @Override
  public void publishFanout(String exchange, String routingKey, WireMessage message) {
    broker.publishFanout(exchange, routingKey, message);
  }

  @Override
  public void publishFanoutAll(String exchange, String routingKey, List<WireMessage> messages) {
    broker.publishFanoutAll(exchange, routingKey, messages);
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> publishFanoutAllAsync(
      String exchange, String routingKey, List<WireMessage> messages) {
    return broker.publishFanoutAllAsync(exchange, routingKey, messages);
  }

  @Override
  public Subscription subscribeFanout(
      String exchange, String bindingKey, Consumer<WireMessage> listener) {
    return broker.subscribeFanout(exchange, bindingKey, listener);
  }

  @Override
  public Optional<RateLimitStore> rateLimitStore() {
    return broker.rateLimitStore();
  }

  @Override
  public Optional<dev.apium.spi.DeadLetters> deadLetters() {
    return broker.deadLetters();
  }

  @Override
  public String describe() {
    return broker.describe() + (codec.signs() ? " (signed: auth)" : "");
  }

  @Override
  public void close() {
    broker.close();
  }

  /** A delivery whose message is the opened one; settling goes to the transport's delivery. */
  private record Opened(Delivery delivery, WireMessage message) implements Delivery {
    @Override
    public String deliveryTag() {
      return delivery.deliveryTag();
    }

    @Override
    public String queue() {
      return delivery.queue();
    }

    @Override
    public String exchange() {
      return delivery.exchange();
    }

    @Override
    public String routingKey() {
      return delivery.routingKey();
    }

    @Override
    public boolean redelivered() {
      return delivery.redelivered();
    }

    @Override
    public void ack() {
      delivery.ack();
    }

    @Override
    public void reject(boolean requeue) {
      delivery.reject(requeue);
    }

    @Override
    public void deadLetter(String reason) {
      delivery.deadLetter(reason);
    }

    @Override
    public void keepAlive() {
      delivery.keepAlive();
    }

    @Override
    public boolean deferUntil(Instant eta) {
      return delivery.deferUntil(eta);
    }
  }
}
