package dev.apium.redis;

import dev.apium.protocol.MalformedMessageException;
import dev.apium.protocol.ResultMeta;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone waiting for a task result, on ONE pub/sub connection per backend: SUBSCRIBE to the
 * {@code celery-task-meta-<id>} channel for the first waiter of a task, UNSUBSCRIBE when the last
 * is done or cancelled. Each subscribe confirmation (the first one and Lettuce's resubscribe after
 * a reconnect) triggers a catch-up GET, which closes the race with a result stored before the
 * subscription took effect; a confirmation that disagrees with who waits (subscribed, nobody waits;
 * unsubscribed, someone does) is answered with the opposite command, which is also why every
 * command is written after this object's monitor is released: a sending thread and Lettuce's event
 * loop (completing results, confirming subscriptions) never wait for each other's writes. Futures
 * are completed on Lettuce's event loop (cheap dependents only: AsyncResult hands user callbacks to
 * its own threads); resubscribes run on {@code completer}, never on Lettuce's event loop. {@link
 * #close()} cancels every waiter.
 */
final class ResultWaiters implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultWaiters.class);

  private final Supplier<StatefulRedisPubSubConnection<String, String>> opener;
  private final RedisAsyncCommands<String, String> commands;
  private final Executor completer;

  /** Most results a client may have expected (subscribed at send) and not yet taken. */
  static final int EXPECTED_CAP = 10_000;

  private final Map<String, Set<CompletableFuture<ResultMeta>>> waiting = new HashMap<>();
  // Send order; the oldest expectation is dropped (and unsubscribed if still pending) beyond the
  // cap.
  private final Map<String, CompletableFuture<ResultMeta>> expected =
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<ResultMeta>> e) {
          if (size() > EXPECTED_CAP) {
            e.getValue().cancel(false);
            return true;
          }
          return false;
        }
      };
  private StatefulRedisPubSubConnection<String, String> connection;
  private final java.util.ArrayDeque<String> catchUps = new java.util.ArrayDeque<>();
  private boolean catchingUp;

  /**
   * @param opener opens the pub/sub connection (on the first waiter)
   * @param reconnects where to register a listener for reconnections of that connection
   */
  ResultWaiters(
      Supplier<StatefulRedisPubSubConnection<String, String>> opener,
      Consumer<RedisConnectionStateListener> reconnects,
      RedisAsyncCommands<String, String> commands,
      Executor completer) {
    this.opener = opener;
    this.commands = commands;
    this.completer = completer;
    reconnects.accept(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
            completer.execute(() -> resubscribe(handler));
          }
        });
  }

  /** Waits for a ready meta published on {@code key} (the task's meta key). */
  CompletableFuture<ResultMeta> await(String key) {
    CompletableFuture<ResultMeta> future = new CompletableFuture<>();
    StatefulRedisPubSubConnection<String, String> subscribeOn = null;
    synchronized (this) {
      if (connection == null) {
        connection = opener.get();
        connection.addListener(
            new RedisPubSubAdapter<>() {
              @Override
              public void message(String channel, String message) {
                offer(channel, message);
              }

              @Override
              public void subscribed(String channel, long count) {
                confirmedSubscribed(channel);
              }

              @Override
              public void unsubscribed(String channel, long count) {
                confirmedUnsubscribed(channel);
              }
            });
      }
      Set<CompletableFuture<ResultMeta>> set = waiting.get(key);
      if (set == null) {
        set = ConcurrentHashMap.newKeySet();
        waiting.put(key, set);
        set.add(future);
        subscribeOn = connection;
      } else {
        set.add(future);
      }
    }
    // Written outside the monitor (Lettuce's event loop takes it to complete results): an
    // UNSUBSCRIBE for the key written meanwhile by another thread is answered by its confirmation.
    if (subscribeOn != null) {
      subscribeOn.async().subscribe(key);
    } else {
      catchUp(key);
    }
    future.whenComplete((meta, error) -> done(key, future));
    return future;
  }

  /**
   * Starts waiting for a result before anyone asks (the client just sent the task): the future is
   * kept, completed or not, until {@link #takeExpected} hands it out or {@link #EXPECTED_CAP} newer
   * expectations push it out. Its channel is unsubscribed as soon as the result arrives.
   */
  void expect(String key) {
    synchronized (this) {
      if (expected.containsKey(key)) {
        return;
      }
    }
    CompletableFuture<ResultMeta> future = await(key);
    boolean kept;
    synchronized (this) {
      kept = expected.putIfAbsent(key, future) == null;
    }
    if (!kept) {
      future.cancel(false); // expected twice at once: the first one stays
    }
  }

  /** The expectation for this key, once; null if none (never expected, taken, or dropped). */
  synchronized CompletableFuture<ResultMeta> takeExpected(String key) {
    if (expected.isEmpty()) {
      return null;
    }
    return expected.remove(key);
  }

  /**
   * After a reconnect, SUBSCRIBE again to every waited-for channel: Lettuce resubscribes only the
   * channels whose SUBSCRIBE was confirmed before the drop; each confirmation triggers a catch-up.
   */
  private void resubscribe(RedisChannelHandler<?, ?> handler) {
    StatefulRedisPubSubConnection<String, String> on;
    String[] keys;
    synchronized (this) {
      if (connection == null || handler != connection || waiting.isEmpty()) {
        return;
      }
      on = connection;
      keys = waiting.keySet().toArray(String[]::new);
    }
    on.async().subscribe(keys);
  }

  /**
   * A SUBSCRIBE took effect: catch up if anyone still waits on the channel, else UNSUBSCRIBE it.
   * Commands for one channel can reach Redis in another order than they were sent (a resubscribe
   * queued from the completer lands after an UNSUBSCRIBE written directly on the event loop), so
   * each confirmation brings Redis back to what {@link #waiting} says instead of trusting the
   * order.
   */
  private void confirmedSubscribed(String key) {
    StatefulRedisPubSubConnection<String, String> unsubscribeOn;
    synchronized (this) {
      if (waiting.containsKey(key)) {
        unsubscribeOn = null;
      } else if (connection != null) {
        unsubscribeOn = connection;
      } else {
        return;
      }
    }
    if (unsubscribeOn != null) {
      unsubscribeOn.async().unsubscribe(key);
    } else {
      catchUp(key);
    }
  }

  /** An UNSUBSCRIBE took effect: SUBSCRIBE again if someone waits (see confirmedSubscribed). */
  private void confirmedUnsubscribed(String key) {
    StatefulRedisPubSubConnection<String, String> on;
    synchronized (this) {
      if (connection == null || !waiting.containsKey(key)) {
        return;
      }
      on = connection;
    }
    on.async().subscribe(key);
  }

  /**
   * Reads the key once its subscription is confirmed. Catch-ups are batched: while one MGET is in
   * flight, confirmations queue up and the next MGET takes them all (a burst of sends with results
   * costs a few MGETs, not one GET per task).
   */
  private void catchUp(String key) {
    synchronized (catchUps) {
      catchUps.add(key);
      if (catchingUp) {
        return;
      }
      catchingUp = true;
    }
    nextCatchUp();
  }

  private void nextCatchUp() {
    String[] keys;
    synchronized (catchUps) {
      if (catchUps.isEmpty()) {
        catchingUp = false;
        return;
      }
      keys = new String[Math.min(catchUps.size(), 512)];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = catchUps.poll();
      }
    }
    try {
      commands
          .mget(keys)
          .whenComplete(
              (values, error) -> {
                if (values != null) {
                  for (io.lettuce.core.KeyValue<String, String> kv : values) {
                    if (kv.hasValue()) {
                      offer(kv.getKey(), kv.getValue());
                    }
                  }
                }
                nextCatchUp();
              });
    } catch (RuntimeException e) {
      // the connection is closing; a resubscribe after reconnect catches up again
      synchronized (catchUps) {
        catchingUp = false;
      }
    }
  }

  private void offer(String key, String text) {
    ResultMeta meta;
    try {
      meta = ResultMeta.fromBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (MalformedMessageException e) {
      LOG.warn("unreadable result on {}: {}", key, e.getMessage());
      return;
    }
    if (!meta.ready()) {
      return;
    }
    Set<CompletableFuture<ResultMeta>> set;
    synchronized (this) {
      set = waiting.get(key);
    }
    if (set != null) {
      // Completed right here on the event loop: a waiter blocked in get() wakes one thread hop
      // sooner. AsyncResult moves user callbacks (toCompletableFuture) off this thread.
      for (CompletableFuture<ResultMeta> future : set) {
        future.complete(meta);
      }
    }
  }

  private void done(String key, CompletableFuture<ResultMeta> future) {
    StatefulRedisPubSubConnection<String, String> unsubscribeOn = null;
    synchronized (this) {
      Set<CompletableFuture<ResultMeta>> set = waiting.get(key);
      if (set != null && set.remove(future) && set.isEmpty()) {
        waiting.remove(key);
        unsubscribeOn = connection;
      }
    }
    if (unsubscribeOn != null) {
      unsubscribeOn.async().unsubscribe(key);
    }
  }

  /** How many channels are subscribed now (tests). */
  synchronized int channels() {
    return waiting.size();
  }

  /**
   * Cancels every waiter and closes the pub/sub connection. The connection is closed outside this
   * object's lock: Lettuce's close waits for its event loop, which may be delivering a message into
   * {@link #offer}, which takes the lock.
   */
  @Override
  public void close() {
    Map<String, Set<CompletableFuture<ResultMeta>>> copy;
    StatefulRedisPubSubConnection<String, String> closing;
    synchronized (this) {
      copy = new HashMap<>(waiting);
      waiting.clear();
      expected.clear();
      closing = connection;
      connection = null;
    }
    if (closing != null) {
      closing.close();
    }
    copy.values().forEach(set -> set.forEach(f -> f.cancel(false)));
  }
}
