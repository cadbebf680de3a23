package dev.apium.jdbc;

import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.WireMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The SQL of the messages and bindings tables. A row is {@code ready}, {@code claimed} (by one
 * broker instance, since {@code claimed_at}) or {@code dead} (with its reason, kept for
 * inspection); {@code deliveries} counts claims and fences settlement, so an ack from a claim the
 * visibility timeout already restored changes nothing. Order is priority (lower number first, as
 * kombu's Redis transport), then {@code seq} (negative for requeued rows: front), then id; a row
 * with an {@code eta} (a parked ETA task) is skipped until then. Stateless; every method runs on
 * the caller's connection.
 */
final class MessageStore {
  static final String READY = "ready";
  static final String CLAIMED = "claimed";
  static final String DEAD = "dead";

  /** A claimed row. */
  record Row(
      long id,
      int deliveries,
      String queue,
      String exchange,
      String routingKey,
      String deliveryTag,
      String headers,
      String properties,
      String contentType,
      String contentEncoding,
      byte[] body) {}

  private final String insert;
  private final String probe;
  private final String notifyChannel;
  private final String claim;
  private final String ack;
  private final String requeue;
  private final String dead;
  private final String keepAlive;
  private final String defer;
  private final String restore;
  private final String returnOwned;
  private final String purge;
  private final String seen;
  private final String reclaimSilent;
  private final String forgetSilent;
  private final String forgetOwner;
  private final String size;
  private final String bind;
  private final String lookup;

  MessageStore(JdbcLocation at) {
    String m = at.table("messages");
    String b = at.table("bindings");
    insert =
        "INSERT INTO "
            + m
            + " (queue, exchange, routing_key, priority, seq, state, delivery_tag, headers,"
            + " properties, content_type, content_encoding, body, created_at)"
            + " VALUES (?, ?, ?, ?, 0, 'ready', ?, ?, ?, ?, ?, ?, ?)"
            + (at.isSqlite() ? "" : " RETURNING pg_notify(?, queue)");
    notifyChannel = at.isSqlite() ? null : at.channel("messages");
    probe =
        at.isSqlite()
            ? "SELECT 1 FROM "
                + m
                + " WHERE queue = ? AND state = 'ready' AND (eta IS NULL OR eta <= ?) LIMIT 1"
            : null;
    claim =
        "UPDATE "
            + m
            + " SET state = 'claimed', claimed_by = ?, claimed_at = ?, deliveries = deliveries + 1"
            + " WHERE state = 'ready' AND "
            + String.format(
                at.dialect().idsIn,
                "SELECT id FROM "
                    + m
                    + " WHERE queue = ? AND state = 'ready' AND (eta IS NULL OR eta <= ?)"
                    + " ORDER BY priority, seq, id LIMIT ?"
                    + at.dialect().skipLocked)
            + " RETURNING id, deliveries, queue, exchange, routing_key, delivery_tag, headers,"
            + " properties, content_type, content_encoding, body, priority, seq";
    ack = "DELETE FROM " + m + " WHERE id = ? AND deliveries = ? AND state = 'claimed'";
    requeue =
        "UPDATE "
            + m
            + " SET state = 'ready', seq = ?, claimed_by = NULL, claimed_at = NULL"
            + " WHERE id = ? AND deliveries = ? AND state = 'claimed'";
    dead =
        "UPDATE "
            + m
            + " SET state = 'dead', dead_reason = ?, claimed_by = NULL"
            + " WHERE id = ? AND deliveries = ? AND state = 'claimed'";
    defer =
        "UPDATE "
            + m
            + " SET state = 'ready', eta = ?, deliveries = deliveries - 1, claimed_by = NULL,"
            + " claimed_at = NULL WHERE id = ? AND deliveries = ? AND state = 'claimed'";
    keepAlive =
        "UPDATE " + m + " SET claimed_at = ? WHERE id = ? AND deliveries = ? AND state = 'claimed'";
    String release = "UPDATE " + m + " SET state = 'ready', claimed_by = NULL, claimed_at = NULL";
    String claimedSkipLocked = " AND state = 'claimed'" + at.dialect().skipLocked;
    restore =
        release
            + " WHERE state = 'claimed' AND "
            + String.format(
                at.dialect().idsIn,
                "SELECT id FROM " + m + " WHERE claimed_at < ?" + claimedSkipLocked);
    returnOwned =
        release
            + " WHERE state = 'claimed' AND "
            + String.format(
                at.dialect().idsIn,
                "SELECT id FROM " + m + " WHERE claimed_by = ?" + claimedSkipLocked);
    String w = at.table("consumers");
    seen =
        "INSERT INTO "
            + w
            + " (owner, seen_at) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET seen_at ="
            + " excluded.seen_at";
    reclaimSilent =
        release
            + " WHERE state = 'claimed' AND "
            + String.format(
                at.dialect().idsIn,
                "SELECT id FROM "
                    + m
                    + " WHERE claimed_by IN (SELECT owner FROM "
                    + w
                    + " WHERE seen_at < ?)"
                    + claimedSkipLocked);
    forgetSilent = "DELETE FROM " + w + " WHERE seen_at < ?";
    forgetOwner = "DELETE FROM " + w + " WHERE owner = ?";
    purge = "DELETE FROM " + m + " WHERE queue = ? AND state = 'ready'";
    size = "SELECT COUNT(*) FROM " + m + " WHERE queue = ? AND state = 'ready'";
    bind =
        "INSERT INTO "
            + b
            + " (exchange, routing_key, queue) VALUES (?, ?, ?)"
            + " ON CONFLICT (exchange, routing_key, queue) DO NOTHING";
    lookup = "SELECT queue FROM " + b + " WHERE exchange = ? AND routing_key = ? ORDER BY queue";
  }

  /**
   * Inserts one row per queue. On PostgreSQL the same statement NOTIFYs the queue on the messages
   * channel ({@code RETURNING pg_notify}), delivered at commit: one round trip per publish.
   */
  void insert(
      Connection c, List<String> queues, String exchange, String key, WireMessage msg, long now)
      throws SQLException {
    Object tag = msg.property("delivery_tag");
    String headers = CeleryJson.write(msg.headers());
    String properties = CeleryJson.write(msg.properties());
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (String queue : queues) {
        ps.setString(1, queue);
        ps.setString(2, exchange);
        ps.setString(3, key);
        ps.setInt(4, priority(msg));
        ps.setString(5, tag == null ? UUID.randomUUID().toString() : tag.toString());
        ps.setString(6, headers);
        ps.setString(7, properties);
        ps.setString(8, msg.contentType());
        ps.setString(9, msg.contentEncoding());
        ps.setBytes(10, msg.body());
        ps.setLong(11, now);
        if (notifyChannel == null) {
          ps.executeUpdate();
        } else {
          ps.setString(12, notifyChannel);
          ps.executeQuery().close();
        }
      }
    }
  }

  private static int priority(WireMessage msg) {
    return msg.property("priority") instanceof Number n ? n.intValue() : 0;
  }

  /**
   * Claims up to {@code limit} ready rows of the queue, in delivery order. On SQLite a read probes
   * first: an UPDATE takes the file's write lock even when it matches nothing, and idle consumers
   * of several processes would otherwise queue for it on every poll.
   */
  List<Row> claim(Connection c, String queue, int limit, String owner, long now)
      throws SQLException {
    if (probe != null) {
      try (PreparedStatement ps = c.prepareStatement(probe)) {
        ps.setString(1, queue);
        ps.setLong(2, now);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return List.of();
          }
        }
      }
    }
    List<long[]> order = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(claim)) {
      ps.setString(1, owner);
      ps.setLong(2, now);
      ps.setString(3, queue);
      ps.setLong(4, now);
      ps.setInt(5, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getLong(1),
                  rs.getInt(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  rs.getString(10),
                  rs.getBytes(11)));
          order.add(new long[] {rs.getLong(12), rs.getLong(13), rs.getLong(1)});
        }
      }
    }
    List<Integer> index = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      index.add(i);
    }
    index.sort(
        (a, b) -> {
          long[] x = order.get(a);
          long[] y = order.get(b);
          int cmp = Long.compare(x[0], y[0]);
          cmp = cmp != 0 ? cmp : Long.compare(x[1], y[1]);
          return cmp != 0 ? cmp : Long.compare(x[2], y[2]);
        });
    List<Row> sorted = new ArrayList<>(rows.size());
    index.forEach(i -> sorted.add(rows.get(i)));
    return sorted;
  }

  boolean ack(Connection c, long id, int deliveries) throws SQLException {
    return update(c, ack, id, deliveries);
  }

  /** Back to ready at the front of its priority. */
  boolean requeue(Connection c, long id, int deliveries, long now) throws SQLException {
    return update(c, requeue, -now, id, deliveries);
  }

  boolean deadLetter(Connection c, long id, int deliveries, String reason) throws SQLException {
    return update(c, dead, reason, id, deliveries);
  }

  /**
   * Back to ready but not deliverable before {@code eta} (epoch ms); the claim is not counted, so
   * the later delivery is not marked redelivered.
   */
  boolean defer(Connection c, long id, int deliveries, long eta) throws SQLException {
    return update(c, defer, eta, id, deliveries);
  }

  boolean keepAlive(Connection c, long id, int deliveries, long now) throws SQLException {
    return update(c, keepAlive, now, id, deliveries);
  }

  /** Makes claims older than {@code claimedBefore} ready again; returns how many. */
  int restoreExpired(Connection c, long claimedBefore) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(restore)) {
      ps.setLong(1, claimedBefore);
      return ps.executeUpdate();
    }
  }

  int returnOwned(Connection c, String owner) throws SQLException {
    return count(c, returnOwned, owner);
  }

  /** Writes (or refreshes) the liveness record of {@code owner}. */
  void seen(Connection c, String owner, long now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(seen)) {
      ps.setString(1, owner);
      ps.setLong(2, now);
      ps.executeUpdate();
    }
  }

  /**
   * Makes the rows claimed by owners last seen before {@code seenBefore} ready again and drops
   * those owners' records, in the caller's transaction; returns how many rows.
   */
  int reclaimSilent(Connection c, long seenBefore) throws SQLException {
    int rows;
    try (PreparedStatement ps = c.prepareStatement(reclaimSilent)) {
      ps.setLong(1, seenBefore);
      rows = ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(forgetSilent)) {
      ps.setLong(1, seenBefore);
      ps.executeUpdate();
    }
    return rows;
  }

  void forgetOwner(Connection c, String owner) throws SQLException {
    count(c, forgetOwner, owner);
  }

  int purge(Connection c, String queue) throws SQLException {
    return count(c, purge, queue);
  }

  long size(Connection c, String queue) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(size)) {
      ps.setString(1, queue);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  void bind(Connection c, String exchange, String key, String queue) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(bind)) {
      ps.setString(1, exchange);
      ps.setString(2, key);
      ps.setString(3, queue);
      ps.executeUpdate();
    }
  }

  List<String> lookup(Connection c, String exchange, String key) throws SQLException {
    List<String> queues = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(lookup)) {
      ps.setString(1, exchange);
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          queues.add(rs.getString(1));
        }
      }
    }
    return queues;
  }

  private static int count(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, arg);
      return ps.executeUpdate();
    }
  }

  private static boolean update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      return ps.executeUpdate() == 1;
    }
  }
}
