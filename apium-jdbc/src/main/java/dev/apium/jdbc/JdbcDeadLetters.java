package dev.apium.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.MalformedMessageException;
import dev.apium.spi.DeadLetters;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dead letters of the SQLite / PostgreSQL broker: rows in state {@code dead} with their reason
 * (the time of their last claim stands for when they died). A row's id is its primary key; replay
 * makes it {@code ready} again (one conditional UPDATE, so it goes back once) and wakes the
 * consumers. Caps ({@code dead_letter_max}, {@code dead_letter_ttl}) are applied by {@link #trim}
 * from the broker's restore pass. Thread-safe; every call runs on a connection of the broker's
 * database.
 */
final class JdbcDeadLetters implements DeadLetters {
  private final JdbcBroker broker;
  private final String messages;
  private final long maxRows;
  private final long ttlMillis;

  JdbcDeadLetters(JdbcBroker broker, JdbcLocation at, long maxRows, long ttlMillis) {
    this.broker = broker;
    this.messages = at.table("messages");
    this.maxRows = maxRows;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public List<DeadLetter> list(List<String> queues, int limit) {
    return broker.db.call(
        c -> {
          List<DeadLetter> out = new ArrayList<>();
          String sql =
              "SELECT id, queue, dead_reason, claimed_at, headers, body, content_type FROM "
                  + messages
                  + " WHERE state = 'dead'"
                  + inQueues(queues)
                  + " ORDER BY id DESC LIMIT ?";
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bind(ps, queues);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(letter(rs));
              }
            }
          }
          return out;
        });
  }

  @Override
  public boolean replay(List<String> queues, String id) {
    long rowId;
    try {
      rowId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      return find(queues, id).map(d -> replay(queues, d.id())).orElse(false);
    }
    return update(
            "UPDATE " + messages + READY + " WHERE state = 'dead' AND id = ?", List.of(), rowId)
        > 0;
  }

  @Override
  public int replayAll(List<String> queues) {
    return update(
        "UPDATE " + messages + READY + " WHERE state = 'dead'" + inQueues(queues), queues, null);
  }

  @Override
  public long purge(List<String> queues) {
    return update(
        "DELETE FROM " + messages + " WHERE state = 'dead'" + inQueues(queues), queues, null);
  }

  /** Applies the age and size caps; returns how many rows were dropped. */
  int trim(long now) {
    return broker.db.call(
        c -> {
          int dropped;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM " + messages + " WHERE state = 'dead' AND claimed_at < ?")) {
            ps.setLong(1, now - ttlMillis);
            dropped = ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "DELETE FROM "
                      + messages
                      + " WHERE state = 'dead' AND id <= (SELECT id FROM "
                      + messages
                      + " WHERE state = 'dead' ORDER BY id DESC LIMIT 1 OFFSET ?)")) {
            ps.setLong(1, maxRows);
            dropped += ps.executeUpdate();
          }
          return dropped;
        });
  }

  private static final String READY =
      " SET state = 'ready', dead_reason = NULL, seq = 0, claimed_by = NULL, claimed_at = NULL";

  private int update(String sql, List<String> queues, Long id) {
    return broker.db.call(
        c -> {
          int n;
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bind(ps, queues);
            if (id != null) {
              ps.setLong(i, id);
            }
            n = ps.executeUpdate();
          }
          if (n > 0 && sql.startsWith("UPDATE")) {
            broker.notifier.send(c, broker.messagesChannel, "");
          }
          return n;
        });
  }

  private static String inQueues(List<String> queues) {
    return queues.isEmpty() ? "" : " AND queue IN (" + "?, ".repeat(queues.size() - 1) + "?)";
  }

  private static int bind(PreparedStatement ps, List<String> queues) throws SQLException {
    int i = 1;
    for (String queue : queues) {
      ps.setString(i++, queue);
    }
    return i;
  }

  private static DeadLetter letter(ResultSet rs) throws SQLException {
    String headers = rs.getString("headers");
    String taskId = null;
    String task = null;
    try {
      JsonNode node = CeleryJson.parse(headers);
      taskId = node.path("id").asText(null);
      task = node.path("task").asText(null);
    } catch (MalformedMessageException e) {
      // shown as it is
    }
    long at = rs.getLong("claimed_at");
    Instant deadAt = rs.wasNull() ? null : Instant.ofEpochMilli(at);
    byte[] body = rs.getBytes("body");
    String raw =
        "{\"headers\": "
            + headers
            + ", \"content-type\": "
            + CeleryJson.write(rs.getString("content_type"))
            + ", \"body\": "
            + CeleryJson.write(
                new String(
                    body == null ? new byte[0] : body, java.nio.charset.StandardCharsets.UTF_8))
            + "}";
    return new DeadLetter(
        Long.toString(rs.getLong("id")),
        rs.getString("queue"),
        rs.getString("dead_reason"),
        deadAt,
        taskId,
        task,
        raw);
  }
}
