package dev.apium.memory;

import dev.apium.protocol.WireMessage;
import dev.apium.spi.Subscription;
import dev.apium.spi.Threads;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener on a fan-out exchange with a topic binding key ({@code #} any words, {@code *} one
 * word, empty for all). Publishers drop matching messages into its mailbox; its own daemon thread
 * hands them to the listener. {@link #close()} unregisters it and stops the thread after the
 * message in hand; undelivered mailbox messages are discarded, as fan-out stores nothing.
 */
final class MemoryFanoutListener implements Subscription {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryFanoutListener.class);
  private static final WireMessage STOP =
      new WireMessage(java.util.Map.of(), java.util.Map.of(), null, null, new byte[0]);

  private final MemoryQueues hub;
  private final String exchange;
  private final String[] pattern;
  private final Consumer<WireMessage> listener;
  private final LinkedBlockingQueue<WireMessage> mailbox = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean closed;

  MemoryFanoutListener(
      MemoryQueues hub, String exchange, String bindingKey, Consumer<WireMessage> listener) {
    this.hub = hub;
    this.exchange = exchange;
    this.pattern =
        bindingKey == null || bindingKey.isEmpty() ? new String[] {"#"} : words(bindingKey);
    this.listener = listener;
    this.thread = Threads.daemon("apium-memory-fanout-" + exchange, this::run);
  }

  void start() {
    hub.listeners.add(this);
    thread.start();
  }

  void offer(String toExchange, String routingKey, WireMessage message) {
    if (!closed && exchange.equals(toExchange) && matches(pattern, 0, words(routingKey), 0)) {
      mailbox.add(message);
    }
  }

  private void run() {
    try {
      while (true) {
        WireMessage message = mailbox.take();
        if (message == STOP) {
          return;
        }
        try {
          listener.accept(message);
        } catch (RuntimeException e) {
          LOG.warn("fan-out listener on '{}' failed; message skipped", exchange, e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String[] words(String key) {
    return key == null || key.isEmpty() ? new String[0] : key.split("\\.", -1);
  }

  /** AMQP topic matching: {@code *} is exactly one word, {@code #} zero or more. */
  static boolean matches(String[] pattern, int p, String[] key, int k) {
    if (p == pattern.length) {
      return k == key.length;
    }
    if (pattern[p].equals("#")) {
      for (int skip = k; skip <= key.length; skip++) {
        if (matches(pattern, p + 1, key, skip)) {
          return true;
        }
      }
      return false;
    }
    if (k == key.length) {
      return false;
    }
    return (pattern[p].equals("*") || pattern[p].equals(key[k]))
        && matches(pattern, p + 1, key, k + 1);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      hub.listeners.remove(this);
      mailbox.clear();
      mailbox.add(STOP);
    }
  }
}
