package dev.apium.jdbc;

import dev.apium.spi.CoordinationStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * The coordination store in the result backend's database: table {@code beat_leases} (one row per
 * lease: owner, fencing token, expiry; the row stays when the lease ends so the token keeps rising)
 * and {@code beat_keys} (idempotency keys with an expiry, last-run values without). Every lease
 * check and its write run in one transaction that locks the lease row ({@code SELECT ... FOR
 * UPDATE} on PostgreSQL, {@code BEGIN IMMEDIATE} on SQLite), so a holder whose lease was taken
 * cannot write. Times are the database server's clock. Tables are created on first use. Thread-safe
 * (the backend's {@link Database}); owns nothing: the backend closes the database.
 */
final class JdbcCoordinationStore implements CoordinationStore {
  private final Database db;
  private final String leases;
  private final String keys;
  private final String now;
  private final String forUpdate;
  private volatile boolean ready;

  JdbcCoordinationStore(Database db) {
    this.db = db;
    JdbcLocation at = db.location;
    this.leases = at.table("beat_leases");
    this.keys = at.table("beat_keys");
    this.forUpdate = at.dialect().forUpdate;
    this.now =
        at.dialect() == Dialect.POSTGRES
            ? "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
            : "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
  }

  private <T> T tx(Database.Work<T> work) {
    ensureTables();
    return db.transaction(work);
  }

  private void ensureTables() {
    if (ready) {
      return;
    }
    db.transaction(
        c -> {
          try (Statement s = c.createStatement()) {
            if (db.location.dialect() == Dialect.POSTGRES) {
              s.execute("SELECT pg_advisory_xact_lock(hashtext('apium-beat:" + leases + "'))");
            }
            s.execute(
                "CREATE TABLE IF NOT EXISTS "
                    + leases
                    + " (name TEXT PRIMARY KEY, owner TEXT NOT NULL, token BIGINT NOT NULL,"
                    + " expires_at BIGINT NOT NULL)");
            s.execute(
                "CREATE TABLE IF NOT EXISTS "
                    + keys
                    + " (name TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at BIGINT)");
          }
          return null;
        });
    ready = true;
  }

  @Override
  public Optional<Lease> acquire(String name, String owner, Duration ttl) {
    long ms = ttl.toMillis();
    return tx(
        c -> {
          Long token =
              token(
                  c,
                  "UPDATE "
                      + leases
                      + " SET expires_at = "
                      + now
                      + " + ? WHERE name = ? AND owner"
                      + " = ? AND expires_at > "
                      + now
                      + " RETURNING token",
                  ms,
                  name,
                  owner);
          if (token == null) {
            token =
                token(
                    c,
                    "UPDATE "
                        + leases
                        + " SET owner = ?, token = token + 1, expires_at = "
                        + now
                        + " + ? WHERE name = ? AND expires_at <= "
                        + now
                        + " RETURNING token",
                    owner,
                    ms,
                    name);
          }
          if (token == null) {
            token =
                token(
                    c,
                    "INSERT INTO "
                        + leases
                        + " (name, owner, token, expires_at) VALUES (?, ?, 1, "
                        + now
                        + " + ?) ON CONFLICT (name) DO NOTHING RETURNING token",
                    name,
                    owner,
                    ms);
          }
          return Optional.ofNullable(token).map(t -> new Lease(name, owner, t));
        });
  }

  @Override
  public boolean renew(Lease lease, Duration ttl) {
    return tx(
        c ->
            update(
                    c,
                    "UPDATE "
                        + leases
                        + " SET expires_at = "
                        + now
                        + " + ? WHERE name = ? AND"
                        + " owner = ? AND token = ? AND expires_at > "
                        + now,
                    ttl.toMillis(),
                    lease.name(),
                    lease.owner(),
                    lease.token())
                == 1);
  }

  @Override
  public void release(Lease lease) {
    tx(
        c ->
            update(
                c,
                "UPDATE "
                    + leases
                    + " SET expires_at = 0 WHERE name = ? AND owner = ? AND token"
                    + " = ?",
                lease.name(),
                lease.owner(),
                lease.token()));
  }

  @Override
  public Claim claim(Lease lease, String key, String value, Duration ttl) {
    return tx(
        c -> {
          if (!holds(c, lease)) {
            return Claim.FENCED;
          }
          return insert(c, key, value, ttl) ? Claim.CLAIMED : Claim.TAKEN;
        });
  }

  @Override
  public boolean setIfAbsent(String key, String value, Duration ttl) {
    return tx(c -> insert(c, key, value, ttl));
  }

  @Override
  public Optional<String> get(String key) {
    ensureTables();
    return db.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT value FROM "
                      + keys
                      + " WHERE name = ? AND (expires_at IS NULL OR"
                      + " expires_at > "
                      + now
                      + ")")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public boolean put(Lease lease, String key, String value) {
    return tx(
        c -> {
          if (!holds(c, lease)) {
            return false;
          }
          update(
              c,
              "INSERT INTO "
                  + keys
                  + " (name, value, expires_at) VALUES (?, ?, NULL) ON CONFLICT"
                  + " (name) DO UPDATE SET value = excluded.value, expires_at = NULL",
              key,
              value);
          return true;
        });
  }

  @Override
  public void delete(String key) {
    ensureTables();
    db.call(c -> update(c, "DELETE FROM " + keys + " WHERE name = ?", key));
  }

  /** True when the lease row still names this holder and has not expired; locks the row. */
  private boolean holds(Connection c, Lease lease) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM "
                + leases
                + " WHERE name = ? AND owner = ? AND token = ? AND"
                + " expires_at > "
                + now
                + forUpdate)) {
      ps.setString(1, lease.name());
      ps.setString(2, lease.owner());
      ps.setLong(3, lease.token());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Inserts the key unless a live one exists (an expired one is replaced). */
  private boolean insert(Connection c, String key, String value, Duration ttl) throws SQLException {
    update(
        c,
        "DELETE FROM " + keys + " WHERE expires_at IS NOT NULL AND expires_at <= " + now,
        new Object[0]);
    return update(
            c,
            "INSERT INTO "
                + keys
                + " (name, value, expires_at) VALUES (?, ?, "
                + now
                + " + ?) ON"
                + " CONFLICT (name) DO NOTHING",
            key,
            value,
            ttl.toMillis())
        == 1;
  }

  private static Long token(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static int update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  private static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
  }
}
