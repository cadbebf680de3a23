package dev.apium.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * Wakes listeners when something was written: PostgreSQL NOTIFY (every process) or, for SQLite, a
 * call in this process only (other processes poll). Listeners get the payload, or {@code null} when
 * notifications may have been missed (a reconnect) and everything must be checked again. Listeners
 * run on a notifier thread or the writer's thread and must only signal, never block.
 */
interface Notifier extends AutoCloseable {

  /** Sends a notification after (or, on PostgreSQL, within) a write on {@code connection}. */
  void send(Connection connection, String channel, String payload) throws SQLException;

  /**
   * Registers a listener; when this returns, notifications sent from now on reach it. Returns the
   * action that unregisters it.
   */
  Runnable listen(String channel, Consumer<String> listener);

  /**
   * False while the notifier knows the database cannot be reached (PostgreSQL: its LISTEN
   * connection is lost and reconnecting); true otherwise.
   */
  default boolean connected() {
    return true;
  }

  /** True when notifications reach other processes; false where consumers must also poll. */
  boolean crossProcess();

  @Override
  void close();

  static Notifier forDatabase(Database db) {
    return db.location.isSqlite() ? new LocalNotifier(db.location.database()) : new PgNotifier(db);
  }
}
