package dev.apium.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.RedisEnvelope;
import dev.apium.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL fan-out: each message is one NOTIFY on the schema's fan-out channel carrying {@code
 * {"e": exchange, "k": routing key, "m": envelope}}. NOTIFY payloads stop at 8000 bytes, so a
 * larger message is stored in the {@code fanout} table and the NOTIFY carries {@code {"ref": id}};
 * publishers sweep stored rows after a minute. Listeners run on the notifier's thread. {@link
 * #close()} stops listening.
 */
final class NotifyFanout extends FanoutChannel {
  private static final Logger log = LoggerFactory.getLogger(NotifyFanout.class);
  static final int MAX_PAYLOAD = 7_900;

  private final Database db;
  private final Notifier notifier;
  private final Clock clock;
  private final String channel;
  private final String table;
  private final AtomicLong nextSweep = new AtomicLong();
  private Runnable unlisten;

  NotifyFanout(Database db, Notifier notifier, Clock clock) {
    this.db = db;
    this.notifier = notifier;
    this.clock = clock;
    this.channel = db.location.channel("fanout");
    this.table = db.location.table("fanout");
  }

  @Override
  void publish(String exchange, String routingKey, WireMessage message) {
    String envelope = RedisEnvelope.encode(message);
    ObjectNode note = CeleryJson.object();
    note.put("e", exchange);
    note.put("k", routingKey);
    note.put("m", envelope);
    String payload = CeleryJson.write(note);
    long now = clock.millis();
    db.call(
        c -> {
          String sent = payload;
          if (payload.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO "
                        + table
                        + " (exchange, routing_key, envelope, created_at) VALUES (?, ?, ?, ?)"
                        + " RETURNING id")) {
              ps.setString(1, exchange);
              ps.setString(2, routingKey);
              ps.setString(3, envelope);
              ps.setLong(4, now);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                sent = "{\"ref\":" + rs.getLong(1) + "}";
              }
            }
            sweep(c, now);
          }
          notifier.send(c, channel, sent);
          return null;
        });
  }

  private void sweep(java.sql.Connection c, long now) throws java.sql.SQLException {
    long due = nextSweep.get();
    if (now >= due && nextSweep.compareAndSet(due, now + 10_000)) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM " + table + " WHERE created_at < ?")) {
        ps.setLong(1, now - 60_000);
        ps.executeUpdate();
      }
    }
  }

  @Override
  synchronized void start() {
    if (unlisten == null) {
      unlisten = notifier.listen(channel, this::received);
    }
  }

  private void received(String payload) {
    if (payload == null || !hasListeners()) {
      return;
    }
    try {
      JsonNode note = CeleryJson.parse(payload);
      if (note.has("ref")) {
        long id = note.get("ref").asLong();
        note =
            db.call(
                c -> {
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "SELECT exchange, routing_key, envelope FROM "
                              + table
                              + " WHERE id = ?")) {
                    ps.setLong(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                      if (!rs.next()) {
                        return null;
                      }
                      ObjectNode n = CeleryJson.object();
                      n.put("e", rs.getString(1));
                      n.put("k", rs.getString(2));
                      n.put("m", rs.getString(3));
                      return n;
                    }
                  }
                });
        if (note == null) {
          log.warn("fan-out message {} expired before it was read", id);
          return;
        }
      }
      dispatch(note.path("e").asText(), note.path("k").asText(), note.path("m").asText());
    } catch (RuntimeException e) {
      log.warn("dropping unreadable fan-out notification: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    super.close();
    if (unlisten != null) {
      unlisten.run();
    }
  }
}
