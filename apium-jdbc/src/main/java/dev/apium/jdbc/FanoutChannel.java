package dev.apium.jdbc;

import dev.apium.protocol.RedisEnvelope;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Subscription;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fan-out publish/subscribe for events and remote control: the listeners of one broker instance and
 * their topic matching; subclasses carry messages between processes (a polled table on SQLite,
 * NOTIFY on PostgreSQL). Messages travel as kombu envelopes. Thread-safe; {@link #close()} stops
 * delivery.
 */
abstract class FanoutChannel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FanoutChannel.class);

  private record Listener(String exchange, String bindingKey, Consumer<WireMessage> target) {}

  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

  abstract void publish(String exchange, String routingKey, WireMessage message);

  /** Called before the first listener is added, so the transport starts receiving. */
  abstract void start();

  Subscription subscribe(String exchange, String bindingKey, Consumer<WireMessage> target) {
    start();
    Listener listener = new Listener(exchange, bindingKey, target);
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  boolean hasListeners() {
    return !listeners.isEmpty();
  }

  /** Hands one received message to every matching listener; never throws. */
  void dispatch(String exchange, String routingKey, String envelope) {
    WireMessage message = null;
    for (Listener l : listeners) {
      if (!l.exchange().equals(exchange) || !TopicPattern.matches(l.bindingKey(), routingKey)) {
        continue;
      }
      try {
        if (message == null) {
          message = RedisEnvelope.decode(envelope);
        }
        l.target().accept(message);
      } catch (RuntimeException e) {
        log.warn("fan-out listener on {} failed: {}", exchange, e.toString());
      }
    }
  }

  @Override
  public void close() {
    listeners.clear();
  }
}
