package dev.apium.redis;

import dev.apium.protocol.MalformedMessageException;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Subscription;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's fan-out side (events on {@code celeryev}, remote control on {@code celery.pidbox}):
 * one pub/sub connection per broker, opened on the first listener, PSUBSCRIBEd to kombu's channel
 * patterns; Lettuce resubscribes after a reconnect. Listeners run on Lettuce's event-loop thread.
 * {@link #close()} drops the connection; what is published meanwhile is lost, as in kombu.
 */
final class FanoutHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FanoutHub.class);

  private final RedisConnector connector;
  private final java.util.function.BiConsumer<String, String> dead;
  private final RedisKeys keys;
  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
  private StatefulRedisPubSubConnection<String, String> connection;

  /**
   * @param dead where a malformed message goes: (reason, raw text); must not block
   */
  FanoutHub(
      RedisConnector connector,
      RedisKeys keys,
      java.util.function.BiConsumer<String, String> dead) {
    this.connector = connector;
    this.keys = keys;
    this.dead = dead;
  }

  /**
   * One listener: Redis glob patterns over-match topic keys ({@code task.*} also takes {@code
   * task.a.b}), so each message is checked against the binding key before it is handed over.
   */
  private record Listener(String base, String bindingKey, Consumer<WireMessage> consumer) {
    boolean takes(String channel) {
      if (bindingKey.isEmpty() || bindingKey.equals("#")) {
        return true;
      }
      String routingKey =
          channel.length() > base.length() ? channel.substring(base.length() + 1) : "";
      return Envelopes.routes(bindingKey, routingKey);
    }
  }

  synchronized Subscription subscribe(
      String exchange, String bindingKey, Consumer<WireMessage> consumer) {
    List<String> patterns = keys.patterns(exchange, bindingKey);
    Listener listener =
        new Listener(keys.channel(exchange, ""), bindingKey == null ? "" : bindingKey, consumer);
    if (connection == null) {
      connection = connector.connectPubSub();
      connection.addListener(
          new RedisPubSubAdapter<>() {
            @Override
            public void message(String pattern, String channel, String message) {
              deliver(pattern, channel, message);
            }
          });
    }
    for (String pattern : patterns) {
      List<Listener> list = listeners.computeIfAbsent(pattern, p -> new CopyOnWriteArrayList<>());
      if (list.isEmpty()) {
        // Waited for as a blocking call would be (the connection has no blocking commands).
        LettuceFutures.awaitOrCancel(
            connection.async().psubscribe(pattern),
            connection.getTimeout().toNanos(),
            TimeUnit.NANOSECONDS);
      }
      list.add(listener);
    }
    return () -> unsubscribe(patterns, listener);
  }

  private synchronized void unsubscribe(List<String> patterns, Listener listener) {
    for (String pattern : patterns) {
      List<Listener> list = listeners.get(pattern);
      if (list != null && list.remove(listener) && list.isEmpty() && connection != null) {
        listeners.remove(pattern);
        connection.async().punsubscribe(pattern);
      }
    }
  }

  private void deliver(String pattern, String channel, String text) {
    List<Listener> list = listeners.get(pattern);
    if (list == null || list.isEmpty()) {
      return;
    }
    WireMessage message;
    try {
      message = Envelopes.read(text);
    } catch (MalformedMessageException e) {
      LOG.warn("malformed fan-out message on {} dead-lettered: {}", channel, e.getMessage());
      dead.accept(e.getMessage() + " (channel " + channel + ")", text);
      return;
    }
    for (Listener listener : list) {
      if (!listener.takes(channel)) {
        continue;
      }
      try {
        listener.consumer().accept(message);
      } catch (RuntimeException e) {
        LOG.error("fan-out listener on {} failed", channel, e);
      }
    }
  }

  /** Closes outside the lock: Lettuce's close waits for an event loop that may be calling us. */
  @Override
  public void close() {
    StatefulRedisPubSubConnection<String, String> closing;
    synchronized (this) {
      listeners.clear();
      closing = connection;
      connection = null;
    }
    if (closing != null) {
      closing.close();
    }
  }
}
