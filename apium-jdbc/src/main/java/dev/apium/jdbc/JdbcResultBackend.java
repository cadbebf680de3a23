package dev.apium.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.spi.ChordPart;
import dev.apium.spi.ResultBackend;
import dev.apium.spi.Settings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SQLite / PostgreSQL result backend: a {@code results} row per task (meta JSON, expiry from
 * {@code result_expires}, never overwriting SUCCESS thanks to one conditional upsert), group
 * tuples, the chord join ({@link ChordJoin}) and revoked ids with expiry. Ready states wake waiters
 * through the {@link Notifier}. Expired rows are swept by writers about once a minute. Shared by
 * every thread of a process; {@link #close()} cancels waiters and closes connections.
 */
final class JdbcResultBackend implements ResultBackend {
  private static final String READY_STATES = "('SUCCESS', 'FAILURE', 'REVOKED')";

  private final Database db;
  private final Notifier notifier;
  private final Clock clock;
  private final long expiresMs;
  private final String channel;
  private final String results;
  private final String groups;
  private final String revoked;
  private final ChordJoin chords;
  private final ResultWaiters waiters;
  private final AtomicLong nextSweep = new AtomicLong();

  JdbcResultBackend(Database db, Settings config, Clock clock) {
    this.db = db;
    this.clock = clock;
    this.notifier = Notifier.forDatabase(db);
    this.expiresMs = config.getSeconds(Settings.RESULT_EXPIRES, Duration.ofDays(1)).toMillis();
    JdbcLocation at = db.location;
    this.channel = at.channel("results");
    this.results = at.table("results");
    this.groups = at.table("groups");
    this.revoked = at.table("revoked");
    this.chords = new ChordJoin(at);
    this.waiters = new ResultWaiters(notifier, channel, this::readyMetas);
  }

  private Long expiry() {
    return expiresMs > 0 ? clock.millis() + expiresMs : null;
  }

  @Override
  public void store(ResultMeta meta) {
    long now = clock.millis();
    db.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO "
                      + results
                      + " AS r (task_id, status, meta, expires_at) VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (task_id) DO UPDATE SET status = excluded.status,"
                      + " meta = excluded.meta, expires_at = excluded.expires_at"
                      + " WHERE r.status <> 'SUCCESS' OR r.expires_at <= ?")) {
            ps.setString(1, meta.taskId());
            ps.setString(2, meta.status());
            ps.setString(3, CeleryJson.write(meta.toJson()));
            Database.setLong(ps, 4, expiry());
            ps.setLong(5, now);
            ps.executeUpdate();
          }
          if (meta.ready()) {
            notifier.send(c, channel, meta.taskId());
          }
          sweepIfDue(c, now);
          return null;
        });
  }

  @Override
  public Optional<ResultMeta> get(String taskId) {
    return liveJson("meta", results, "task_id", taskId).map(ResultMeta::fromJson);
  }

  /** The ready metas among the ids (for waiters). */
  private Map<String, ResultMeta> readyMetas(List<String> ids) {
    long now = clock.millis();
    String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
    return db.call(
        c -> {
          Map<String, ResultMeta> found = new HashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT task_id, meta FROM "
                      + results
                      + " WHERE task_id IN ("
                      + marks
                      + ") AND status IN "
                      + READY_STATES
                      + " AND (expires_at IS NULL OR expires_at > ?)")) {
            int i = 1;
            for (String id : ids) {
              ps.setString(i++, id);
            }
            ps.setLong(i, now);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                found.put(rs.getString(1), ResultMeta.fromJson(CeleryJson.parse(rs.getString(2))));
              }
            }
          }
          return found;
        });
  }

  @Override
  public CompletableFuture<ResultMeta> awaitReady(String taskId) {
    return waiters.await(taskId);
  }

  @Override
  public void forget(String taskId) {
    delete(results, "task_id", taskId);
  }

  @Override
  public void saveGroup(String groupId, JsonNode resultTuple) {
    var doc = CeleryJson.object();
    doc.set("result", resultTuple);
    db.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO "
                      + groups
                      + " (group_id, result, expires_at) VALUES (?, ?, ?) ON CONFLICT (group_id)"
                      + " DO UPDATE SET result = excluded.result, expires_at = excluded.expires_at")) {
            ps.setString(1, groupId);
            ps.setString(2, CeleryJson.write(doc));
            Database.setLong(ps, 3, expiry());
            ps.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public Optional<JsonNode> restoreGroup(String groupId) {
    return liveJson("result", groups, "group_id", groupId).map(doc -> doc.get("result"));
  }

  /**
   * The JSON in {@code column} of the unexpired row of {@code table} whose {@code key} is {@code
   * id}.
   */
  private Optional<JsonNode> liveJson(String column, String table, String key, String id) {
    long now = clock.millis();
    return db.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT "
                      + column
                      + " FROM "
                      + table
                      + " WHERE "
                      + key
                      + " = ? AND (expires_at IS NULL OR expires_at > ?)")) {
            ps.setString(1, id);
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(CeleryJson.parse(rs.getString(1))) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void forgetGroup(String groupId) {
    delete(groups, "group_id", groupId);
  }

  @Override
  public void chordSetSize(String groupId, int size) {
    db.call(
        c -> {
          chords.setSize(c, groupId, size, expiry());
          return null;
        });
  }

  @Override
  public void chordAddTasks(String groupId, int count) {
    db.call(
        c -> {
          chords.addTasks(c, groupId, count, expiry());
          return null;
        });
  }

  @Override
  public Optional<List<ChordPart>> chordPartDone(String groupId, int groupIndex, ChordPart part) {
    return db.transaction(c -> chords.partDone(c, groupId, groupIndex, part, expiry()));
  }

  @Override
  public void markRevoked(String taskId, Duration keepFor) {
    long now = clock.millis();
    db.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO "
                      + revoked
                      + " (task_id, expires_at) VALUES (?, ?) ON CONFLICT (task_id)"
                      + " DO UPDATE SET expires_at = excluded.expires_at")) {
            ps.setString(1, taskId);
            ps.setLong(2, now + keepFor.toMillis());
            ps.executeUpdate();
          }
          sweepIfDue(c, now);
          return null;
        });
  }

  @Override
  public Set<String> revokedIds() {
    long now = clock.millis();
    return db.call(
        c -> {
          Set<String> ids = new HashSet<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT task_id FROM "
                      + revoked
                      + " WHERE expires_at IS NULL OR expires_at > ?")) {
            ps.setLong(1, now);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                ids.add(rs.getString(1));
              }
            }
          }
          return ids;
        });
  }

  private void delete(String table, String key, String value) {
    db.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("DELETE FROM " + table + " WHERE " + key + " = ?")) {
            ps.setString(1, value);
            ps.executeUpdate();
          }
          return null;
        });
  }

  private void sweepIfDue(Connection c, long now) throws SQLException {
    long due = nextSweep.get();
    if (now < due || !nextSweep.compareAndSet(due, now + 60_000)) {
      return;
    }
    JdbcLocation at = db.location;
    for (String table : List.of("results", "groups", "chords", "chord_parts", "revoked")) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM " + at.table(table) + " WHERE expires_at <= ?")) {
        ps.setLong(1, now);
        ps.executeUpdate();
      }
    }
  }

  @Override
  public Optional<dev.apium.spi.CoordinationStore> coordination() {
    return Optional.of(new JdbcCoordinationStore(db));
  }

  @Override
  public String describe() {
    return db.describe();
  }

  @Override
  public void close() {
    waiters.close();
    notifier.close();
    db.close();
  }
}
