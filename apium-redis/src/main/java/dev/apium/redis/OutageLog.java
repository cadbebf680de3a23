package dev.apium.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a Redis outage once per connector, however many connections it has and however many
 * reconnect attempts Lettuce makes: one WARN when the first connection drops, one INFO naming the
 * server reached when the last one is back (after a Sentinel failover, the new master). Called on
 * Lettuce's event-loop threads.
 */
final class OutageLog implements RedisConnectionStateListener {
  private static final Logger LOG = LoggerFactory.getLogger(OutageLog.class);

  private final String setting;
  private final String where;
  private final Set<RedisChannelHandler<?, ?>> down = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  OutageLog(String setting, String where) {
    this.setting = setting;
    this.where = where;
  }

  @Override
  public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
    if (closing || connection.isClosed()) {
      return;
    }
    synchronized (this) {
      if (down.isEmpty()) {
        LOG.warn("lost Redis at {} ({}); reconnecting", where, setting);
      }
      down.add(connection);
    }
  }

  @Override
  public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
    synchronized (this) {
      if (down.remove(connection) && down.isEmpty()) {
        LOG.info("reconnected to Redis at {} ({}: {})", text(address), setting, where);
      }
    }
  }

  private static String text(SocketAddress address) {
    return address instanceof java.net.InetSocketAddress inet
        ? inet.getHostString() + ":" + inet.getPort()
        : String.valueOf(address);
  }

  /**
   * Whether every connection of this connector is up now: false from the moment one drops until it
   * is back (a command sent meanwhile waits for the reconnect, up to the command timeout).
   */
  boolean connected() {
    return down.isEmpty();
  }

  /** Connections closed on purpose are not an outage. */
  void closing() {
    closing = true;
  }
}
