package dev.apium.redis;

import io.lettuce.core.LMoveArgs;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The blocking Redis calls Apium makes, each sent on Lettuce's asynchronous command set and waited
 * for as Lettuce's own blocking set waits ({@link LettuceFutures#awaitOrCancel} with the
 * connection's timeout: the same replies, the same exceptions, a command cancelled when its time is
 * up). Lettuce builds that blocking set in every connection's constructor, a reflective proxy over
 * the few hundred methods of {@code RedisCommands} and a map of them, which cost a new worker about
 * a tenth of its start and kept its JIT busy compiling reflection; {@link AsyncRedisClient} leaves
 * it out. Only the commands Apium uses are here. Thread-safe; called on any thread but a Lettuce
 * event loop, which it would block.
 */
final class BlockingRedis {
  private final RedisAsyncCommands<String, String> async;
  private final long timeoutNanos;

  BlockingRedis(StatefulRedisConnection<String, String> connection) {
    this(connection.async(), connection.getTimeout());
  }

  BlockingRedis(RedisAsyncCommands<String, String> async, Duration timeout) {
    this.async = async;
    this.timeoutNanos = timeout.toNanos();
  }

  /** The reply of a command already sent, waited for with this connection's timeout. */
  <T> T await(RedisFuture<T> reply) {
    return LettuceFutures.awaitOrCancel(reply, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  String get(String key) {
    return await(async.get(key));
  }

  String set(String key, String value, SetArgs args) {
    return await(async.set(key, value, args));
  }

  Long del(String... keys) {
    return await(async.del(keys));
  }

  Long incrby(String key, long amount) {
    return await(async.incrby(key, amount));
  }

  Boolean expire(String key, long seconds) {
    return await(async.expire(key, seconds));
  }

  Long lpush(String key, String... values) {
    return await(async.lpush(key, values));
  }

  Long llen(String key) {
    return await(async.llen(key));
  }

  List<String> lrange(String key, long start, long stop) {
    return await(async.lrange(key, start, stop));
  }

  Long lrem(String key, long count, String value) {
    return await(async.lrem(key, count, value));
  }

  /**
   * BLMOVE: blocks on the server up to {@code timeoutSeconds}, well inside the connection's
   * timeout.
   */
  String blmove(String source, String destination, LMoveArgs args, double timeoutSeconds) {
    return await(async.blmove(source, destination, args, timeoutSeconds));
  }

  Long sadd(String key, String... members) {
    return await(async.sadd(key, members));
  }

  Set<String> smembers(String key) {
    return await(async.smembers(key));
  }

  String hget(String key, String field) {
    return await(async.hget(key, field));
  }

  MapScanCursor<String, String> hscan(String key, ScanCursor cursor, ScanArgs args) {
    return await(async.hscan(key, cursor, args));
  }

  Long zadd(String key, double score, String member) {
    return await(async.zadd(key, score, member));
  }

  Long zadd(String key, ZAddArgs args, double score, String member) {
    return await(async.zadd(key, args, score, member));
  }

  @SafeVarargs
  final Long zadd(String key, ScoredValue<String>... members) {
    return await(async.zadd(key, members));
  }

  Long zrem(String key, String... members) {
    return await(async.zrem(key, members));
  }

  Double zscore(String key, String member) {
    return await(async.zscore(key, member));
  }

  List<String> zrangebyscore(String key, Range<? extends Number> range) {
    return await(async.zrangebyscore(key, range));
  }

  Long zremrangebyscore(String key, Range<? extends Number> range) {
    return await(async.zremrangebyscore(key, range));
  }

  /** EVALSHA written now; its reply is read with {@link #await}. */
  <T> RedisFuture<T> evalshaAsync(
      String sha, ScriptOutputType type, String[] keys, String... args) {
    return async.evalsha(sha, type, keys, args);
  }

  <T> T eval(String script, ScriptOutputType type, String[] keys, String... args) {
    return await(async.eval(script, type, keys, args));
  }
}
