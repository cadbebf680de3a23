package dev.apium.memory;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.Broker;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The {@code memory://} broker: queues in this JVM, for tests, demos and single-process apps.
 * Brokers of the same name ({@code memory://} or {@code memory://<name>}) share queues, bindings
 * and fan-out listeners, so a client and a worker built from one URL talk to each other. Thread
 * safe; each consumer and fan-out listener runs on its own daemon thread. Priorities follow kombu's
 * Redis transport: the lower number is delivered first, no priority counts as 0. {@link #close()}
 * stops this broker's consumers and listeners and returns their unsettled deliveries to the front
 * of their queues, marked redelivered; the queues outlive it.
 */
public final class MemoryBroker implements Broker {

  /**
   * A message that could not be processed or routed.
   *
   * @param queue the queue it was consumed from, or the exchange it could not be routed through
   * @param message the message as received
   * @param reason why it was set aside
   */
  public record DeadLetter(String queue, WireMessage message, String reason) {}

  private final String name;
  private final MemoryQueues hub;
  private final List<MemoryConsumer> consumers = new ArrayList<>();
  private final List<MemoryFanoutListener> listeners = new ArrayList<>();
  private volatile boolean closed;

  /** The default broker, {@code memory://}. */
  public MemoryBroker() {
    this("");
  }

  /** The broker {@code memory://<name>}, sharing its queues with every other of that name. */
  public MemoryBroker(String name) {
    this.name = name;
    this.hub = MemoryQueues.named(name);
  }

  @Override
  public void publish(String exchange, String routingKey, WireMessage message) {
    checkOpen();
    hub.publish(exchange == null ? "" : exchange, routingKey, message);
  }

  @Override
  public synchronized Subscription consume(
      List<String> queues, int prefetch, Consumer<Delivery> handler) {
    checkOpen();
    if (queues.isEmpty()) {
      throw new IllegalArgumentException("consume needs at least one queue name");
    }
    queues.forEach(hub::declare);
    MemoryConsumer consumer = new MemoryConsumer(hub, queues, prefetch, handler);
    consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  @Override
  public void declareQueue(String queue) {
    checkOpen();
    hub.declare(queue);
  }

  @Override
  public void bindQueue(String queue, String exchange, String routingKey) {
    checkOpen();
    hub.bind(queue, exchange, routingKey);
  }

  @Override
  public long purge(String queue) {
    return hub.purge(queue);
  }

  @Override
  public long size(String queue) {
    return hub.size(queue);
  }

  /** Messages dead-lettered from the queue (or left unroutable by the exchange), oldest first. */
  public List<DeadLetter> deadLetters(String queue) {
    return hub.deadLetters(queue);
  }

  @Override
  public void publishFanout(String exchange, String routingKey, WireMessage message) {
    checkOpen();
    for (MemoryFanoutListener listener : hub.listeners) {
      listener.offer(exchange, routingKey, message);
    }
  }

  @Override
  public synchronized Subscription subscribeFanout(
      String exchange, String bindingKey, Consumer<WireMessage> listener) {
    checkOpen();
    MemoryFanoutListener subscription =
        new MemoryFanoutListener(hub, exchange, bindingKey, listener);
    listeners.add(subscription);
    subscription.start();
    return subscription;
  }

  @Override
  public String describe() {
    return "memory://" + name;
  }

  private void checkOpen() {
    if (closed) {
      throw new BrokerException(describe() + " is closed: build a new broker from the app");
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumers.forEach(MemoryConsumer::close);
    consumers.forEach(MemoryConsumer::returnUnsettled);
    listeners.forEach(MemoryFanoutListener::close);
    consumers.clear();
    listeners.clear();
  }

  @Override
  public String toString() {
    return "MemoryBroker[" + describe() + "]";
  }
}
