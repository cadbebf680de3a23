package dev.apium.jdbc;

import dev.apium.protocol.CeleryJson;
import dev.apium.spi.ChordPart;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The chord join: a {@code chords} row per group (size, added tasks, fired flag) and a {@code
 * chord_parts} row per finished header task, keyed (group, task) so a task recorded twice counts
 * once. {@link #partDone} runs inside one transaction holding the group's row (SELECT ... FOR
 * UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), so exactly one caller sees the chord complete.
 * Stateless; runs on the caller's connection.
 */
final class ChordJoin {
  private final String chords;
  private final String parts;
  private final String forUpdate;

  ChordJoin(JdbcLocation at) {
    this.chords = at.table("chords");
    this.parts = at.table("chord_parts");
    this.forUpdate = at.dialect().forUpdate;
  }

  void setSize(Connection c, String groupId, int size, Long expiresAt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + chords
                + " AS t (group_id, size, additions, fired, expires_at) VALUES (?, ?, 0, 0, ?)"
                + " ON CONFLICT (group_id) DO UPDATE SET size = excluded.size,"
                + " expires_at = excluded.expires_at")) {
      ps.setString(1, groupId);
      ps.setInt(2, size);
      Database.setLong(ps, 3, expiresAt);
      ps.executeUpdate();
    }
  }

  void addTasks(Connection c, String groupId, int count, Long expiresAt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + chords
                + " AS t (group_id, size, additions, fired, expires_at) VALUES (?, NULL, ?, 0, ?)"
                + " ON CONFLICT (group_id) DO UPDATE SET additions = t.additions + excluded.additions,"
                + " expires_at = excluded.expires_at")) {
      ps.setString(1, groupId);
      ps.setInt(2, count);
      Database.setLong(ps, 3, expiresAt);
      ps.executeUpdate();
    }
  }

  /** Call inside a transaction. */
  Optional<List<ChordPart>> partDone(
      Connection c, String groupId, int groupIndex, ChordPart part, Long expiresAt)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + chords
                + " (group_id, size, additions, fired, expires_at) VALUES (?, NULL, 0, 0, ?)"
                + " ON CONFLICT (group_id) DO NOTHING")) {
      ps.setString(1, groupId);
      Database.setLong(ps, 2, expiresAt);
      ps.executeUpdate();
    }
    Integer size;
    int additions;
    boolean fired;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT size, additions, fired FROM " + chords + " WHERE group_id = ?" + forUpdate)) {
      ps.setString(1, groupId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        int s = rs.getInt(1);
        size = rs.wasNull() ? null : s;
        additions = rs.getInt(2);
        fired = rs.getInt(3) != 0;
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + parts
                + " (group_id, task_id, group_index, state, result, expires_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id, task_id) DO NOTHING")) {
      ps.setString(1, groupId);
      ps.setString(2, part.taskId());
      ps.setInt(3, groupIndex);
      ps.setString(4, part.state());
      ps.setString(5, CeleryJson.write(part.result()));
      Database.setLong(ps, 6, expiresAt);
      ps.executeUpdate();
    }
    if (fired || size == null || count(c, groupId) < size + additions) {
      return Optional.empty();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + chords + " SET fired = 1 WHERE group_id = ? AND fired = 0")) {
      ps.setString(1, groupId);
      if (ps.executeUpdate() != 1) {
        return Optional.empty();
      }
    }
    List<ChordPart> done = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT task_id, state, result FROM "
                + parts
                + " WHERE group_id = ? ORDER BY group_index, task_id")) {
      ps.setString(1, groupId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          done.add(
              new ChordPart(rs.getString(1), rs.getString(2), CeleryJson.parse(rs.getString(3))));
        }
      }
    }
    return Optional.of(done);
  }

  private long count(Connection c, String groupId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT COUNT(*) FROM " + parts + " WHERE group_id = ?")) {
      ps.setString(1, groupId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
