package dev.apium.redis;

import dev.apium.spi.CoordinationStore;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The coordination store on the Redis result backend's connection: a lease is a key holding {@code
 * <token>|<owner>} with a PX time to live, its fencing token comes from INCR on {@code
 * <lease>.fence}; renew, claim and put compare the lease value in the same Lua script as their
 * write (scripts {@code lease_*.lua}, {@code fenced_*.lua}). Keys get the given prefix (the backend
 * passes none, as its result keys have none); lease times are Redis server time. Thread-safe
 * (Lettuce's shared connection); owns nothing: the backend closes the connection.
 */
final class RedisCoordinationStore implements CoordinationStore {
  private final BlockingRedis blocking;
  private final String prefix;
  private final Function<RedisException, RuntimeException> failure;

  RedisCoordinationStore(
      StatefulRedisConnection<String, String> connection,
      String prefix,
      Function<RedisException, RuntimeException> failure) {
    this.blocking = new BlockingRedis(connection);
    this.prefix = prefix;
    this.failure = failure;
  }

  /** One of the lease scripts, INTEGER reply; {@code key2} may be null. */
  private Long run(LuaScripts script, String key1, String key2, String... args) {
    String[] keys = key2 == null ? new String[] {key1} : new String[] {key1, key2};
    return script.run(blocking, ScriptOutputType.INTEGER, keys, args);
  }

  private static String value(Lease lease) {
    return lease.token() + "|" + lease.owner();
  }

  private static String ms(Duration ttl) {
    return Long.toString(Math.max(1, ttl.toMillis()));
  }

  @Override
  public Optional<Lease> acquire(String name, String owner, Duration ttl) {
    if (owner.isEmpty()) {
      throw new IllegalArgumentException("a lease owner must not be empty");
    }
    Long token =
        call(
            () ->
                run(
                    LuaScripts.LEASE_ACQUIRE,
                    prefix + name,
                    prefix + name + ".fence",
                    owner,
                    ms(ttl)));
    return token < 0 ? Optional.empty() : Optional.of(new Lease(name, owner, token));
  }

  @Override
  public boolean renew(Lease lease, Duration ttl) {
    Long renewed =
        call(() -> run(LuaScripts.LEASE_RENEW, prefix + lease.name(), null, value(lease), ms(ttl)));
    return renewed == 1;
  }

  @Override
  public void release(Lease lease) {
    call(() -> run(LuaScripts.RELEASE_LOCK, prefix + lease.name(), null, value(lease)));
  }

  @Override
  public Claim claim(Lease lease, String key, String value, Duration ttl) {
    Long r =
        call(
            () ->
                run(
                    LuaScripts.FENCED_CLAIM,
                    prefix + lease.name(),
                    prefix + key,
                    value(lease),
                    value,
                    ms(ttl)));
    return r < 0 ? Claim.FENCED : r == 1 ? Claim.CLAIMED : Claim.TAKEN;
  }

  @Override
  public boolean setIfAbsent(String key, String value, Duration ttl) {
    String ok =
        call(() -> blocking.set(prefix + key, value, SetArgs.Builder.nx().px(ttl.toMillis())));
    return "OK".equals(ok);
  }

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(call(() -> blocking.get(prefix + key)));
  }

  @Override
  public boolean put(Lease lease, String key, String value) {
    Long r =
        call(
            () ->
                run(
                    LuaScripts.FENCED_PUT,
                    prefix + lease.name(),
                    prefix + key,
                    value(lease),
                    value));
    return r == 1;
  }

  @Override
  public void delete(String key) {
    call(() -> blocking.del(prefix + key));
  }

  private <T> T call(java.util.function.Supplier<T> action) {
    try {
      return action.get();
    } catch (RedisException e) {
      throw failure.apply(e);
    }
  }
}
