package dev.apium.jdbc;

import dev.apium.spi.BrokerException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * One SQLite connection per instance, in WAL mode with a busy timeout, used by one thread at a time
 * under a lock: writes are short, and other processes (or other instances) on the same file wait
 * for the busy timeout instead of failing. Transactions begin IMMEDIATE, so they hold the write
 * lock from the start and never fail on a lock upgrade. {@link #close()} closes the connection.
 */
final class SqliteDatabase extends Database {
  private static final int BUSY_TIMEOUT_MS = 15_000;

  private final ReentrantLock lock = new ReentrantLock();
  private final Connection connection;
  private volatile boolean closed;

  SqliteDatabase(JdbcLocation location) {
    super(location);
    try {
      connection = config().createConnection(location.jdbcUrl());
    } catch (SQLException e) {
      throw new BrokerException(
          "cannot open SQLite database "
              + location.database()
              + ": "
              + e.getMessage()
              + ": check that the directory is writable and broker_url is right",
          e);
    }
  }

  private static SQLiteConfig config() {
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    return config;
  }

  @Override
  <T> T call(Work<T> work) {
    lock.lock();
    try {
      checkOpen();
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  <T> T transaction(Work<T> work) {
    lock.lock();
    try {
      checkOpen();
      return inTransaction(connection, work);
    } catch (SQLException e) {
      throw failure(e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  Connection openDedicated() throws SQLException {
    return config().createConnection(location.jdbcUrl());
  }

  private void checkOpen() {
    if (closed) {
      throw new BrokerException("SQLite database " + location.database() + " is closed");
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        connection.close();
      }
    } catch (SQLException ignored) {
      // closing anyway
    } finally {
      lock.unlock();
    }
  }
}
