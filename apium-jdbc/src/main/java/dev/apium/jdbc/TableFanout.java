package dev.apium.jdbc;

import dev.apium.protocol.RedisEnvelope;
import dev.apium.protocol.WireMessage;
import dev.apium.spi.Threads;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SQLite fan-out across processes: publishers append to the {@code fanout} table (rows older than a
 * minute are swept by publishers); each broker instance with listeners runs one daemon thread that
 * reads rows past its cursor (the newest id when it started, so nothing older is replayed). Local
 * publishes wake it at once; for other processes' it polls from 20 ms backing off to 200 ms. {@link
 * #close()} stops the thread.
 */
final class TableFanout extends FanoutChannel {
  private static final long KEEP_MS = 60_000;
  private static final int BATCH = 500;

  private final Database db;
  private final Notifier notifier;
  private final Clock clock;
  private final String channel;
  private final String table;
  private final Signal signal = new Signal();
  private final AtomicLong nextSweep = new AtomicLong();
  private volatile boolean running = true;
  private Thread thread;
  private Runnable unlisten = () -> {};
  private long cursor;

  TableFanout(Database db, Notifier notifier, Clock clock) {
    this.db = db;
    this.notifier = notifier;
    this.clock = clock;
    this.channel = db.location.channel("fanout");
    this.table = db.location.table("fanout");
  }

  @Override
  void publish(String exchange, String routingKey, WireMessage message) {
    String envelope = RedisEnvelope.encode(message);
    long now = clock.millis();
    db.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO "
                      + table
                      + " (exchange, routing_key, envelope, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, exchange);
            ps.setString(2, routingKey);
            ps.setString(3, envelope);
            ps.setLong(4, now);
            ps.executeUpdate();
          }
          long due = nextSweep.get();
          if (now >= due && nextSweep.compareAndSet(due, now + 10_000)) {
            try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM " + table + " WHERE created_at < ?")) {
              ps.setLong(1, now - KEEP_MS);
              ps.executeUpdate();
            }
          }
          notifier.send(c, channel, "");
          return null;
        });
  }

  @Override
  synchronized void start() {
    if (thread != null || !running) {
      return;
    }
    cursor =
        db.call(
            c -> {
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
              }
            });
    unlisten = notifier.listen(channel, payload -> signal.raise());
    thread = Threads.daemon("apium-sqlite-fanout", this::loop);
    thread.start();
  }

  private void loop() {
    long idle = 20;
    while (running) {
      try {
        int read = readBatch();
        if (read == BATCH) {
          continue;
        }
        boolean woken = signal.await(idle);
        idle = woken || read > 0 ? 20 : Math.min(idle * 2, 200);
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        if (!running) {
          break;
        }
        try {
          signal.await(1_000);
        } catch (InterruptedException interrupted) {
          break;
        }
      }
    }
  }

  private int readBatch() {
    record Row(long id, String exchange, String key, String envelope) {}
    var rows =
        db.call(
            c -> {
              var out = new java.util.ArrayList<Row>();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT id, exchange, routing_key, envelope FROM "
                          + table
                          + " WHERE id > ? ORDER BY id LIMIT "
                          + BATCH)) {
                ps.setLong(1, cursor);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    out.add(
                        new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                  }
                }
              }
              return out;
            });
    for (Row row : rows) {
      cursor = row.id();
      dispatch(row.exchange(), row.key(), row.envelope());
    }
    return rows.size();
  }

  @Override
  public void close() {
    super.close();
    Thread t;
    synchronized (this) {
      running = false;
      t = thread;
    }
    unlisten.run();
    signal.raise();
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
