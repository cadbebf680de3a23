package dev.apium.jdbc;

import dev.apium.spi.Threads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL LISTEN/NOTIFY. Sending is {@code pg_notify} on the writer's connection (delivered at
 * commit). Listening uses one dedicated connection and one daemon thread per instance, started by
 * the first {@link #listen}; it LISTENs on every channel registered so far, reconnects with backoff
 * after a failure and then tells every listener to re-check ({@code null} payload). {@link
 * #close()} stops the thread and closes its connection.
 */
final class PgNotifier implements Notifier {
  private static final Logger log = LoggerFactory.getLogger(PgNotifier.class);

  private final Database db;
  private final Map<String, CopyOnWriteArrayList<Consumer<String>>> listeners =
      new ConcurrentHashMap<>();
  private final Map<String, Boolean> listening = new ConcurrentHashMap<>();
  private final Object startLock = new Object();
  private volatile CountDownLatch pending = new CountDownLatch(0);
  private volatile boolean running = true;
  private volatile boolean connected = true;
  private Thread thread;

  PgNotifier(Database db) {
    this.db = db;
  }

  @Override
  public void send(Connection connection, String channel, String payload) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.execute();
    }
  }

  @Override
  public Runnable listen(String channel, Consumer<String> listener) {
    var list = listeners.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>());
    list.add(listener);
    CountDownLatch wait;
    synchronized (startLock) {
      if (!listening.containsKey(channel)) {
        pending = new CountDownLatch(1);
      }
      wait = pending;
      if (thread == null && running) {
        thread = Threads.daemon("apium-pg-listen", this::loop);
        thread.start();
      }
    }
    try {
      if (!wait.await(5, TimeUnit.SECONDS)) {
        log.warn("LISTEN {} on {} is not ready yet; relying on polling", channel, db.describe());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return () -> list.remove(listener);
  }

  private void loop() {
    Connection connection = null;
    boolean reconnect = false;
    long backoff = 200;
    while (running) {
      try {
        if (connection == null) {
          connection = db.openDedicated();
          listening.clear();
          if (reconnect) {
            listeners.values().forEach(list -> list.forEach(l -> l.accept(null)));
          }
          reconnect = true;
        }
        listenNew(connection);
        PGNotification[] notes = connection.unwrap(PGConnection.class).getNotifications(250);
        connected = true;
        backoff = 200;
        if (notes != null) {
          for (PGNotification note : notes) {
            var list = listeners.get(note.getName());
            if (list != null) {
              list.forEach(l -> l.accept(note.getParameter()));
            }
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!running) {
          break;
        }
        connected = false;
        log.warn("LISTEN connection to {} failed, retrying: {}", db.describe(), e.getMessage());
        closeQuietly(connection);
        connection = null;
        try {
          new Signal().await(backoff);
        } catch (InterruptedException interrupted) {
          break;
        }
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
    closeQuietly(connection);
  }

  private void listenNew(Connection connection) throws SQLException {
    CountDownLatch latch = pending;
    for (String channel : listeners.keySet()) {
      if (listening.putIfAbsent(channel, Boolean.TRUE) == null) {
        try (Statement s = connection.createStatement()) {
          s.execute("LISTEN \"" + channel + "\"");
        } catch (SQLException e) {
          listening.remove(channel);
          throw e;
        }
      }
    }
    latch.countDown();
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // already broken
      }
    }
  }

  @Override
  public boolean connected() {
    return connected;
  }

  @Override
  public boolean crossProcess() {
    return true;
  }

  @Override
  public void close() {
    Thread t;
    synchronized (startLock) {
      running = false;
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
