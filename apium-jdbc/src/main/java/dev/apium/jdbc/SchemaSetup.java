package dev.apium.jdbc;

import dev.apium.spi.BrokerException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates Apium's tables on first use ({@code CREATE TABLE IF NOT EXISTS}, one transaction, under
 * an advisory lock on PostgreSQL) and records the layout version in {@code apium_schema}. A user
 * without the right to create gets one line naming the table, the database, the user and the fix.
 * Called once when a broker or backend opens its database.
 */
final class SchemaSetup {
  /** 1: the first layout; 2: adds {@code consumers} (worker liveness). */
  static final int VERSION = 2;

  private SchemaSetup() {}

  private record Ddl(String table, String sql) {}

  static void ensure(Database db) {
    JdbcLocation at = db.location;
    Integer version = db.call(c -> currentVersion(c, at));
    if (version == null || version < VERSION) {
      create(db); // every statement is IF NOT EXISTS, so this also upgrades an older layout
    } else if (version > VERSION) {
      throw new BrokerException(
          "tables in "
              + db.describe()
              + " have layout version "
              + version
              + " but this Apium knows "
              + VERSION
              + ": upgrade Apium or use another database");
    }
  }

  /** The recorded version, or null when the tables are missing. */
  private static Integer currentVersion(Connection c, JdbcLocation at) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + at.table("schema"))) {
      if (!rs.next()) {
        return null;
      }
      int v = rs.getInt(1);
      return rs.wasNull() ? null : v;
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        throw new BrokerException(
            "user "
                + at.user()
                + " may not read "
                + at.table("schema")
                + " in database "
                + at.database()
                + ": GRANT USAGE on the schema and SELECT, INSERT, UPDATE, DELETE on its tables",
            e);
      }
      return null;
    }
  }

  private static void create(Database db) {
    JdbcLocation at = db.location;
    db.transaction(
        c -> {
          if (at.dialect() == Dialect.POSTGRES) {
            lock(c, at);
            createSchema(c, at);
          }
          for (Ddl ddl : statements(at)) {
            try (Statement s = c.createStatement()) {
              s.execute(ddl.sql());
            } catch (SQLException e) {
              throw cannotCreate(at, "table " + at.prefix() + ddl.table(), e);
            }
          }
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + at.table("schema"))) {
            rs.next();
            if (rs.getLong(1) == 0) {
              s.executeUpdate(
                  "INSERT INTO " + at.table("schema") + " (version) VALUES (" + VERSION + ")");
            } else {
              s.executeUpdate(
                  "UPDATE "
                      + at.table("schema")
                      + " SET version = "
                      + VERSION
                      + " WHERE version < "
                      + VERSION);
            }
          }
          return null;
        });
  }

  private static void lock(Connection c, JdbcLocation at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
      ps.setString(1, "apium-schema:" + at.table("schema"));
      ps.execute();
    }
  }

  private static void createSchema(Connection c, JdbcLocation at) throws SQLException {
    if (at.schema() == null) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      ps.setString(1, at.schema());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS \"" + at.schema() + "\"");
    } catch (SQLException e) {
      throw cannotCreate(at, "schema " + at.schema(), e);
    }
  }

  private static BrokerException cannotCreate(JdbcLocation at, String what, SQLException e) {
    String state = e.getSQLState();
    boolean rights = "42501".equals(state) || e.getMessage().contains("readonly");
    if (!rights) {
      return new BrokerException(
          "cannot create " + what + " in " + at.display() + ": " + e.getMessage(), e);
    }
    if (at.dialect() == Dialect.SQLITE) {
      return new BrokerException(
          "cannot create "
              + what
              + " in "
              + at.database()
              + ": the file is read-only: make it and its directory writable",
          e);
    }
    String container =
        what.startsWith("schema")
            ? "GRANT CREATE ON DATABASE " + at.database() + " TO " + at.user()
            : "GRANT CREATE ON SCHEMA "
                + (at.schema() == null ? "public" : at.schema())
                + " TO "
                + at.user();
    return new BrokerException(
        "cannot create "
            + what
            + (at.schema() == null || what.startsWith("schema")
                ? " in database "
                : " in schema " + at.schema() + " of database ")
            + at.database()
            + " as user "
            + at.user()
            + ": "
            + container
            + ", or create the schema once by connecting as a user who may (it is created on first"
            + " use)",
        e);
  }

  private static List<Ddl> statements(JdbcLocation at) {
    Dialect d = at.dialect();
    String p = at.prefix();
    return List.of(
        new Ddl(
            "schema",
            "CREATE TABLE IF NOT EXISTS " + at.table("schema") + " (version INTEGER NOT NULL)"),
        new Ddl(
            "messages",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("messages")
                + " (id "
                + d.idColumn
                + ", queue TEXT NOT NULL, exchange TEXT NOT NULL, routing_key TEXT NOT NULL,"
                + " priority INTEGER NOT NULL, seq BIGINT NOT NULL, state TEXT NOT NULL,"
                + " delivery_tag TEXT NOT NULL, headers TEXT NOT NULL, properties TEXT NOT NULL,"
                + " content_type TEXT, content_encoding TEXT, body "
                + d.blobType
                + " NOT NULL, eta BIGINT, deliveries INTEGER NOT NULL DEFAULT 0, claimed_by TEXT,"
                + " claimed_at BIGINT, dead_reason TEXT, created_at BIGINT NOT NULL)"),
        new Ddl(
            "messages",
            "CREATE INDEX IF NOT EXISTS "
                + p
                + "messages_ready ON "
                + at.table("messages")
                + " (queue, state, priority, seq, id)"),
        new Ddl(
            "messages",
            "CREATE INDEX IF NOT EXISTS "
                + p
                + "messages_claimed ON "
                + at.table("messages")
                + " (state, claimed_at)"),
        new Ddl(
            "consumers",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("consumers")
                + " (owner TEXT PRIMARY KEY, seen_at BIGINT NOT NULL)"),
        new Ddl(
            "bindings",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("bindings")
                + " (exchange TEXT NOT NULL, routing_key TEXT NOT NULL, queue TEXT NOT NULL,"
                + " PRIMARY KEY (exchange, routing_key, queue))"),
        new Ddl(
            "fanout",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("fanout")
                + " (id "
                + d.idColumn
                + ", exchange TEXT NOT NULL, routing_key TEXT NOT NULL, envelope TEXT NOT NULL,"
                + " created_at BIGINT NOT NULL)"),
        new Ddl(
            "results",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("results")
                + " (task_id TEXT PRIMARY KEY, status TEXT NOT NULL, meta TEXT NOT NULL,"
                + " expires_at BIGINT)"),
        new Ddl(
            "groups",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("groups")
                + " (group_id TEXT PRIMARY KEY, result TEXT NOT NULL, expires_at BIGINT)"),
        new Ddl(
            "chords",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("chords")
                + " (group_id TEXT PRIMARY KEY, size INTEGER, additions INTEGER NOT NULL DEFAULT 0,"
                + " fired INTEGER NOT NULL DEFAULT 0, expires_at BIGINT)"),
        new Ddl(
            "chord_parts",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("chord_parts")
                + " (group_id TEXT NOT NULL, task_id TEXT NOT NULL, group_index INTEGER NOT NULL,"
                + " state TEXT NOT NULL, result TEXT NOT NULL, expires_at BIGINT,"
                + " PRIMARY KEY (group_id, task_id))"),
        new Ddl(
            "revoked",
            "CREATE TABLE IF NOT EXISTS "
                + at.table("revoked")
                + " (task_id TEXT PRIMARY KEY, expires_at BIGINT)"));
  }
}
