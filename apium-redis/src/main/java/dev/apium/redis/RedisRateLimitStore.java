package dev.apium.redis;

import dev.apium.spi.RateLimitStore;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;

/**
 * Cluster-wide token buckets in Redis for {@code rate_limit_scope = cluster}: one hash per task
 * type ({@code <global_keyprefix>apium.ratelimit.<task>}), updated atomically by {@code
 * rate_limit.lua} with the server's clock. Shares the broker's command connection; thread-safe.
 */
final class RedisRateLimitStore implements RateLimitStore {
  private final RedisBroker broker;

  RedisRateLimitStore(RedisBroker broker) {
    this.broker = broker;
  }

  @Override
  public Duration acquire(String key, double perSecond, int capacity) {
    if (perSecond <= 0) {
      return Duration.ZERO;
    }
    String bucket = broker.keys().prefixed(key);
    Long wait =
        broker.run(
            "rate limit " + key,
            () ->
                LuaScripts.RATE_LIMIT.<Long>run(
                    broker.commands(),
                    ScriptOutputType.INTEGER,
                    new String[] {bucket},
                    Double.toString(perSecond),
                    Integer.toString(capacity)));
    return Duration.ofMillis(wait == null ? 0 : wait);
  }
}
