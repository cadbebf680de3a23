package dev.apium.jdbc;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * In-process notifications for SQLite: every broker and backend of this JVM on the same file shares
 * one registry, so a local write wakes local consumers and result waiters at once; writes from
 * other processes are found by their pollers. Listeners run on the writer's thread. {@link
 * #close()} drops this instance's listeners.
 */
final class LocalNotifier implements Notifier {
  private static final Map<String, CopyOnWriteArrayList<Consumer<String>>> REGISTRY =
      new ConcurrentHashMap<>();

  private final String file;
  private final CopyOnWriteArrayList<Runnable> registrations = new CopyOnWriteArrayList<>();

  LocalNotifier(String file) {
    this.file = file;
  }

  @Override
  public void send(Connection connection, String channel, String payload) {
    var listeners = REGISTRY.get(file + "#" + channel);
    if (listeners != null) {
      listeners.forEach(l -> l.accept(payload));
    }
  }

  @Override
  public Runnable listen(String channel, Consumer<String> listener) {
    var listeners =
        REGISTRY.computeIfAbsent(file + "#" + channel, k -> new CopyOnWriteArrayList<>());
    listeners.add(listener);
    Runnable remove = () -> listeners.remove(listener);
    registrations.add(remove);
    return remove;
  }

  @Override
  public boolean crossProcess() {
    return false;
  }

  @Override
  public void close() {
    registrations.forEach(Runnable::run);
    registrations.clear();
  }
}
