package dev.apium.jdbc;

import dev.apium.protocol.ResultMeta;
import dev.apium.spi.Threads;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The futures of {@code awaitReady} callers, completed by one daemon thread per backend that looks
 * the waited ids up in batches. It wakes on a result notification (PostgreSQL NOTIFY from any
 * process; on SQLite a store in this process) and otherwise polls: on SQLite from 50 ms backing off
 * to 200 ms while anyone waits (writes from other processes cannot push), on PostgreSQL every 5 s
 * as a safety net. The thread starts with the first waiter and idles when none is left. {@link
 * #close()} stops it and cancels pending futures.
 */
final class ResultWaiters implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultWaiters.class);

  private final Map<String, CopyOnWriteArrayList<CompletableFuture<ResultMeta>>> waiting =
      new ConcurrentHashMap<>();
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final Signal signal = new Signal();
  private final Function<List<String>, Map<String, ResultMeta>> lookup;
  private final Notifier notifier;
  private final String channel;
  private final long minPoll;
  private final long maxPoll;
  private volatile boolean running = true;
  private Thread thread;
  private Runnable unlisten = () -> {};

  ResultWaiters(
      Notifier notifier, String channel, Function<List<String>, Map<String, ResultMeta>> lookup) {
    this.notifier = notifier;
    this.channel = channel;
    this.lookup = lookup;
    this.minPoll = notifier.crossProcess() ? 5_000 : 50;
    this.maxPoll = notifier.crossProcess() ? 5_000 : 200;
  }

  CompletableFuture<ResultMeta> await(String taskId) {
    CompletableFuture<ResultMeta> future = new CompletableFuture<>();
    waiting.computeIfAbsent(taskId, k -> new CopyOnWriteArrayList<>()).add(future);
    future.whenComplete(
        (meta, error) ->
            waiting.computeIfPresent(
                taskId,
                (k, list) -> {
                  list.remove(future);
                  return list.isEmpty() ? null : list;
                }));
    start();
    dirty.add(taskId);
    signal.raise();
    return future;
  }

  private synchronized void start() {
    if (thread != null || !running) {
      return;
    }
    unlisten =
        notifier.listen(
            channel,
            taskId -> {
              if (taskId == null) {
                dirty.addAll(waiting.keySet());
              } else if (waiting.containsKey(taskId)) {
                dirty.add(taskId);
              } else {
                return;
              }
              signal.raise();
            });
    thread = Threads.daemon("apium-jdbc-results", this::loop);
    thread.start();
  }

  private void loop() {
    long idle = minPoll;
    while (running) {
      try {
        boolean woken = signal.await(idle);
        Set<String> ids;
        if (woken) {
          ids = new HashSet<>(dirty);
          dirty.removeAll(ids);
          idle = minPoll;
        } else {
          ids = new HashSet<>(waiting.keySet());
          idle = Math.min(idle * 2, maxPoll);
        }
        check(ids);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        if (running) {
          log.warn("result lookup failed, retrying: {}", e.getMessage());
        }
      }
    }
  }

  private void check(Set<String> ids) {
    ids.retainAll(waiting.keySet());
    List<String> batch = new ArrayList<>(ids);
    for (int from = 0; from < batch.size(); from += 200) {
      Map<String, ResultMeta> ready =
          lookup.apply(batch.subList(from, Math.min(batch.size(), from + 200)));
      ready.forEach(
          (taskId, meta) -> {
            var futures = waiting.get(taskId);
            if (futures != null) {
              futures.forEach(f -> f.complete(meta));
            }
          });
    }
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    unlisten.run();
    signal.raise();
    if (t != null) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    waiting.values().forEach(list -> list.forEach(f -> f.cancel(false)));
  }
}
