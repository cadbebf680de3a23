package dev.apium.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a RabbitMQ outage once per connector, however many connections it has and however many
 * recovery attempts the client makes: one WARN when the first connection is lost (naming why), one
 * INFO when the last one has recovered. A connection closed by Apium itself is not recovered, so it
 * is not an outage. Called on the client's connection and recovery threads.
 */
final class AmqpOutageLog {
  private static final Logger LOG = LoggerFactory.getLogger(AmqpOutageLog.class);

  private final String where;
  private final Set<Connection> down = ConcurrentHashMap.newKeySet();

  AmqpOutageLog(String where) {
    this.where = where;
  }

  /**
   * Follows this connection through its recoveries. The loss is read when a recovery starts, not
   * from a shutdown listener: the client runs its own recovery from the listener it registered
   * first, so a listener added later hears of the loss only after the recovery has ended.
   */
  void watch(Connection connection) {
    if (connection instanceof Recoverable recoverable) {
      recoverable.addRecoveryListener(
          new RecoveryListener() {
            @Override
            public void handleRecoveryStarted(Recoverable recovering) {
              lost(connection, connection.getCloseReason());
            }

            @Override
            public void handleRecovery(Recoverable recovered) {
              back(connection);
            }
          });
    }
  }

  private void lost(Connection connection, ShutdownSignalException signal) {
    synchronized (this) {
      if (down.isEmpty()) {
        LOG.warn("lost RabbitMQ at {} ({}); reconnecting", where, reason(signal));
      }
      down.add(connection);
    }
  }

  private void back(Connection connection) {
    synchronized (this) {
      if (down.remove(connection) && down.isEmpty()) {
        LOG.info("reconnected to RabbitMQ at {}", where);
      }
    }
  }

  private static String reason(ShutdownSignalException signal) {
    if (signal == null) {
      return "connection closed";
    }
    Throwable cause = signal.getCause();
    if (cause != null) {
      return cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
    return String.valueOf(signal.getMessage());
  }
}
