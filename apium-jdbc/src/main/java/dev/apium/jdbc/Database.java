package dev.apium.jdbc;

import dev.apium.spi.BrokerException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Hands out connections to one database, in autocommit or inside one short transaction, and turns
 * driver errors into {@link BrokerException}s that name the database. SQLite keeps one connection
 * per instance behind a lock (SQLite has one writer anyway); PostgreSQL borrows from a small
 * HikariCP pool. Thread-safe; {@link #close()} closes the connections, later calls fail.
 */
abstract class Database implements AutoCloseable {

  /** Work done with a connection. */
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  final JdbcLocation location;

  Database(JdbcLocation location) {
    this.location = location;
  }

  static Database open(JdbcLocation location) {
    Database db =
        location.isSqlite() ? new SqliteDatabase(location) : new PostgresDatabase(location);
    try {
      SchemaSetup.ensure(db);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  /** Runs the work in autocommit mode (each statement its own transaction). */
  abstract <T> T call(Work<T> work);

  /** Runs the work in one transaction (BEGIN IMMEDIATE on SQLite), committed when it returns. */
  abstract <T> T transaction(Work<T> work);

  /**
   * Runs work whose loss in a server crash only causes a redelivery (claims, acks, restores): on
   * PostgreSQL its commit does not wait for the WAL flush ({@code synchronous_commit} off), which
   * halves the cost of consuming; on SQLite it is {@link #call}. Publishes and results never use
   * it.
   */
  <T> T relaxed(Work<T> work) {
    return call(work);
  }

  /** Opens a connection outside the pool or lock, for a LISTEN loop. */
  abstract Connection openDedicated() throws SQLException;

  @Override
  public abstract void close();

  String describe() {
    return location.display();
  }

  static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      try {
        c.setAutoCommit(true);
      } catch (SQLException ignored) {
        // the connection is broken; the next call reports it
      }
    }
  }

  static void setLong(java.sql.PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, java.sql.Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  BrokerException failure(SQLException e) {
    return new BrokerException(
        location.dialect().label + " error on " + describe() + ": " + e.getMessage(), e);
  }
}
