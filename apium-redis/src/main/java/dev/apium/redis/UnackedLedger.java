package dev.apium.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.MalformedMessageException;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kombu's ack emulation on Redis: the {@code unacked} hash and {@code unacked_index} zset. Acks,
 * restores (own, requeue, stale past {@code visibility_timeout} under {@code unacked_mutex}),
 * dead-letters and keep-alives, each one Lua script on the broker's shared command connection.
 * Called from consumer threads, whatever thread settles a delivery, and the broker's restore timer;
 * holds no state of its own besides names, so shutdown needs nothing here.
 */
final class UnackedLedger {
  private static final Logger LOG = LoggerFactory.getLogger(UnackedLedger.class);
  private static final long MUTEX_MILLIS = 300_000;

  private final RedisCommands<String, String> redis;
  private final RedisKeys keys;
  private final Duration visibility;

  UnackedLedger(RedisCommands<String, String> redis, RedisKeys keys, Duration visibility) {
    this.redis = redis;
    this.keys = keys;
    this.visibility = visibility;
  }

  static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** An epoch-seconds score as plain decimal text, as Python writes floats (no exponent). */
  static String score(double seconds) {
    return java.math.BigDecimal.valueOf(seconds).toPlainString();
  }

  boolean ack(String tag, String entry) {
    long done =
        LuaScripts.ACK.run(
            redis,
            ScriptOutputType.INTEGER,
            new String[] {keys.unacked(), keys.unackedIndex()},
            tag,
            entry);
    return done == 1;
  }

  void keepAlive(String tag) {
    redis.zadd(keys.unackedIndex(), ZAddArgs.Builder.xx(), now(), tag);
  }

  boolean deadLetter(String tag, String entry, String record) {
    long done =
        LuaScripts.DEAD_LETTER.run(
            redis,
            ScriptOutputType.INTEGER,
            new String[] {keys.unacked(), keys.unackedIndex(), keys.dead()},
            tag,
            entry,
            record);
    return done == 1;
  }

  /**
   * Puts one entry back. {@code fallbackQueue} is used when the stored exchange routes nowhere
   * (null: dead-letter it instead). {@code staleBefore} is the highest index score still stale, or
   * null for no check.
   */
  boolean restore(String tag, String entry, boolean leftmost, String fallbackQueue, Double stale) {
    JsonNode envelope;
    String exchange;
    String routingKey;
    try {
      JsonNode parsed = CeleryJson.parse(entry);
      envelope = parsed.get(0);
      exchange = parsed.path(1).asText("");
      routingKey = parsed.path(2).asText("");
      if (envelope == null || !envelope.isObject()) {
        throw new MalformedMessageException("unacked entry holds no envelope");
      }
    } catch (MalformedMessageException e) {
      LOG.warn(
          "unacked entry {} is unreadable ({}); moved to {}", tag, e.getMessage(), keys.dead());
      return deadLetter(tag, entry, Envelopes.deadRecord(e.getMessage(), null, tag, entry));
    }
    Object priority = envelope.path("properties").path("priority").numberValue();
    List<String> targets = new ArrayList<>();
    for (String queue : lookup(exchange, routingKey, fallbackQueue)) {
      targets.add(keys.queue(queue, priority));
    }
    if (targets.isEmpty()) {
      String reason =
          "restore found no queue bound to exchange '" + exchange + "' key '" + routingKey + "'";
      LOG.warn("unacked message {}: {}; moved to {}", tag, reason, keys.dead());
      return deadLetter(tag, entry, Envelopes.deadRecord(reason, null, tag, envelope.toString()));
    }
    String[] scriptKeys = new String[2 + targets.size()];
    scriptKeys[0] = keys.unacked();
    scriptKeys[1] = keys.unackedIndex();
    for (int i = 0; i < targets.size(); i++) {
      scriptKeys[2 + i] = targets.get(i);
    }
    long done =
        LuaScripts.RESTORE.run(
            redis,
            ScriptOutputType.INTEGER,
            scriptKeys,
            tag,
            entry,
            Envelopes.redelivered(envelope),
            leftmost ? "left" : "right",
            stale == null ? "" : score(stale));
    return done == 1;
  }

  /**
   * Where a restore goes: the queue the holder consumed it from when known, else the queues the
   * exchange and routing key reach ({@code ""} routes to the key itself), as kombu looks them up.
   */
  Set<String> lookup(String exchange, String routingKey, String fallbackQueue) {
    Set<String> queues = new LinkedHashSet<>();
    if (fallbackQueue != null) {
      queues.add(fallbackQueue);
    } else if (exchange.isEmpty()) {
      queues.add(routingKey);
    } else {
      for (String member : redis.smembers(keys.binding(exchange))) {
        String[] parts = member.split(RedisKeys.SEP, -1);
        if (parts.length == 3 && Envelopes.routes(parts[0], routingKey)) {
          queues.add(parts[2]);
        }
      }
    }
    queues.remove("");
    return queues;
  }

  /**
   * Restores every entry older than the visibility timeout, under {@code unacked_mutex} so only one
   * process (Apium or kombu) scans at a time. Returns how many were restored.
   */
  int restoreStale() {
    String token = HexFormat.of().formatHex(uuidBytes());
    String locked = redis.set(keys.unackedMutex(), token, SetArgs.Builder.nx().px(MUTEX_MILLIS));
    if (!"OK".equals(locked)) {
      return 0;
    }
    int restored = 0;
    try {
      double threshold = now() - visibility.toMillis() / 1000.0;
      List<String> tags = redis.zrangebyscore(keys.unackedIndex(), Range.create(0, threshold));
      for (String tag : tags) {
        String entry = redis.hget(keys.unacked(), tag);
        if (entry == null) {
          redis.zrem(keys.unackedIndex(), tag);
        } else if (restore(tag, entry, false, null, threshold)) {
          restored++;
        }
      }
    } finally {
      LuaScripts.RELEASE_LOCK.run(
          redis, ScriptOutputType.INTEGER, new String[] {keys.unackedMutex()}, token);
    }
    if (restored > 0) {
      LOG.info("restored {} unacknowledged message(s) older than {}", restored, visibility);
    }
    return restored;
  }

  private static byte[] uuidBytes() {
    UUID id = UUID.randomUUID();
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(16);
    buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    return buffer.array();
  }
}
