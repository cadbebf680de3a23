package dev.apium.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.MalformedMessageException;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.Range;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kombu's ack emulation on Redis: the {@code unacked} hash and {@code unacked_index} zset. Acks
 * (kombu's plain ZREM + HDEL, many tags at once), restores (own, requeue, stale past {@code
 * visibility_timeout} under {@code unacked_mutex}), dead-letters and keep-alives, and the moves in
 * and out of consumers' landing lists (hold, give back), each one command pair or Lua script on the
 * broker's shared command connection. Deliveries this process holds are settled by tag alone (tags
 * are unique per pop); entries read back from {@code unacked} (stale ones, perhaps held by kombu
 * under an envelope tag) are restored compare-and-set on the entry. Called from consumer threads,
 * the broker's ack flusher, whatever thread settles a delivery, and the broker's restore timer;
 * holds no state of its own besides names, so shutdown needs nothing here.
 */
final class UnackedLedger {
  private static final Logger LOG = LoggerFactory.getLogger(UnackedLedger.class);

  /** Long enough for a scan; short enough that a holder killed mid-scan blocks others briefly. */
  private static final long MUTEX_MILLIS = 30_000;

  private static final int MAX_ACK_ARGS = 4096;

  private final StatefulRedisConnection<String, String> connection;
  private final BlockingRedis redis;
  private final RedisKeys keys;
  private final Duration visibility;

  UnackedLedger(
      StatefulRedisConnection<String, String> connection, RedisKeys keys, Duration visibility) {
    this.connection = connection;
    this.redis = new BlockingRedis(connection);
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

  /**
   * Forgets delivered messages by tag, as kombu acks: {@code ZREM unacked_index tags...} and {@code
   * HDEL unacked tags...}, both written in one go and then awaited. No compare is needed: every pop
   * gets a fresh tag, so a tag restored meanwhile and popped again lives on under another tag.
   */
  void ack(List<String> tags) {
    for (int from = 0; from < tags.size(); from += MAX_ACK_ARGS) {
      List<String> chunk = tags.subList(from, Math.min(tags.size(), from + MAX_ACK_ARGS));
      // The tags as bytes, made once here for both commands: Lettuce copies a byte[] argument as
      // it is, where a String value is encoded through a scratch buffer on the event loop.
      byte[][] members = new byte[chunk.size()][];
      for (int i = 0; i < members.length; i++) {
        members[i] = chunk.get(i).getBytes(StandardCharsets.UTF_8);
      }
      AsyncCommand<String, String, Long> zrem =
          removal(CommandType.ZREM, keys.unackedIndex(), members);
      AsyncCommand<String, String, Long> hdel = removal(CommandType.HDEL, keys.unacked(), members);
      connection.dispatch(List.of(zrem, hdel));
      redis.await(zrem);
      redis.await(hdel);
    }
  }

  private static AsyncCommand<String, String, Long> removal(
      CommandType type, String key, byte[][] members) {
    CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).addKey(key);
    for (byte[] member : members) {
      args.add(member);
    }
    return new AsyncCommand<>(new Command<>(type, new IntegerOutput<>(StringCodec.UTF8), args));
  }

  /**
   * Holds a message the consumer's blocking wait moved into its {@code landing} list under {@code
   * tag} ({@code hold.lua}), without waiting: sent in order on the shared connection, so the ack,
   * requeue or restore of that tag, written later on the same connection, runs after it. The future
   * completes on a Lettuce event-loop thread with 1 (held) or 0 (no longer landed).
   */
  io.lettuce.core.RedisFuture<Long> holdLanded(
      String landing, String tag, String raw, String exchange, String routingKey) {
    String entry =
        "[" + raw + ", " + CeleryJson.write(exchange) + ", " + CeleryJson.write(routingKey) + "]";
    return LuaScripts.HOLD.evalInOrder(
        connection.async(),
        ScriptOutputType.INTEGER,
        new String[] {keys.unacked(), keys.unackedIndex(), landing},
        score(now()),
        tag,
        raw,
        entry);
  }

  /**
   * Gives back everything in a landing list (messages a blocking wait took but that were never
   * held): each to the consuming end of the queues its exchange and routing key reach, with kombu's
   * redelivered flags, or to the dead-letter list when unreadable or unroutable; one
   * compare-and-move script per message, so concurrent callers give each back once. Returns how
   * many were given back.
   */
  int unland(String landing) {
    int count = 0;
    for (String raw : redis.lrange(landing, 0, -1)) {
      JsonNode envelope = envelopeObject(raw);
      if (envelope == null) {
        count += unlandDead(landing, raw, "envelope is not a JSON object", null) ? 1 : 0;
        continue;
      }
      JsonNode info = envelope.path("properties").path("delivery_info");
      String exchange = info.path("exchange").asText("");
      Set<String> queues = lookup(exchange, info.path("routing_key").asText(""), null);
      if (queues.isEmpty()) {
        count += unlandDead(landing, raw, "landed message routes to no queue", null) ? 1 : 0;
        continue;
      }
      Object priority = envelope.path("properties").path("priority").numberValue();
      String[] scriptKeys = scriptKeys(queues, priority, landing);
      long done =
          LuaScripts.UNLAND.run(
              redis,
              ScriptOutputType.INTEGER,
              scriptKeys,
              raw,
              Envelopes.redelivered(envelope),
              "right");
      count += (int) done;
    }
    return count;
  }

  /** Moves one landed envelope to the dead-letter list; false when it was no longer landed. */
  boolean unlandDead(String landing, String raw, String reason, String queue) {
    long done =
        LuaScripts.UNLAND.run(
            redis,
            ScriptOutputType.INTEGER,
            new String[] {landing, keys.dead()},
            raw,
            Envelopes.deadRecord(reason, queue, null, raw),
            "left");
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
   * Moves a message this process popped (and still holds under {@code tag}) to the dead-letter
   * list; by tag alone, as tags are unique per pop. False when the tag is gone (restored as stale).
   */
  boolean deadLetterHeld(String tag, String record) {
    return deadLetter(tag, "", record);
  }

  /**
   * Puts back a message this process popped and still holds under {@code tag}: to {@code queue}, at
   * the back ({@code leftmost}, a requeue) or the consuming end (a restore on close), with kombu's
   * redelivered flags. By tag alone, as tags are unique per pop.
   */
  boolean restoreHeld(String tag, String raw, boolean leftmost, String queue) {
    JsonNode envelope = envelopeObject(raw);
    if (envelope == null) {
      LOG.warn("unacked message {} is not a JSON object; moved to {}", tag, keys.dead());
      return deadLetterHeld(
          tag, Envelopes.deadRecord("envelope is not a JSON object", queue, tag, raw));
    }
    return restoreEnvelope(tag, "", envelope, List.of(queue), leftmost, null);
  }

  /**
   * Puts one entry read from {@code unacked} back, compare-and-set on the entry. {@code
   * staleBefore} is the highest index score still stale, or null for no check.
   */
  boolean restore(String tag, String entry, Double stale) {
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
    Set<String> queues = lookup(exchange, routingKey, null);
    if (queues.isEmpty()) {
      String reason =
          "restore found no queue bound to exchange '" + exchange + "' key '" + routingKey + "'";
      LOG.warn("unacked message {}: {}; moved to {}", tag, reason, keys.dead());
      return deadLetter(tag, entry, Envelopes.deadRecord(reason, null, tag, envelope.toString()));
    }
    return restoreEnvelope(tag, entry, envelope, queues, false, stale);
  }

  private boolean restoreEnvelope(
      String tag,
      String entry,
      JsonNode envelope,
      java.util.Collection<String> queues,
      boolean leftmost,
      Double stale) {
    Object priority = envelope.path("properties").path("priority").numberValue();
    String[] scriptKeys = scriptKeys(queues, priority, keys.unacked(), keys.unackedIndex());
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
        } else if (restore(tag, entry, threshold)) {
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

  /**
   * Gives back every entry held under a tag that starts with one of {@code tagPrefixes} (consumers
   * presumed dead), and whatever their landing lists still hold, under {@code unacked_mutex},
   * compare-and-set per entry. Returns how many were restored per prefix, or null when another
   * process holds the mutex.
   */
  Map<String, Integer> reclaim(List<String> tagPrefixes) {
    String token = HexFormat.of().formatHex(uuidBytes());
    String locked = redis.set(keys.unackedMutex(), token, SetArgs.Builder.nx().px(MUTEX_MILLIS));
    if (!"OK".equals(locked)) {
      return null;
    }
    Map<String, Integer> restored = new LinkedHashMap<>();
    try {
      for (String prefix : tagPrefixes) {
        int count = unland(keys.landing(prefix));
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(1000);
        do {
          MapScanCursor<String, String> page = redis.hscan(keys.unacked(), cursor, match);
          for (Map.Entry<String, String> held : page.getMap().entrySet()) {
            if (restore(held.getKey(), held.getValue(), null)) {
              count++;
            }
          }
          cursor = page;
        } while (!cursor.isFinished());
        restored.put(prefix, count);
      }
    } finally {
      LuaScripts.RELEASE_LOCK.run(
          redis, ScriptOutputType.INTEGER, new String[] {keys.unackedMutex()}, token);
    }
    return restored;
  }

  private static byte[] uuidBytes() {
    UUID id = UUID.randomUUID();
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(16);
    buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    return buffer.array();
  }

  /** A script's keys: {@code first}, then each queue's list for the message's priority. */
  private String[] scriptKeys(
      java.util.Collection<String> queues, Object priority, String... first) {
    String[] scriptKeys = java.util.Arrays.copyOf(first, first.length + queues.size());
    int i = first.length;
    for (String queue : queues) {
      scriptKeys[i++] = keys.queue(queue, priority);
    }
    return scriptKeys;
  }

  /** The envelope as a JSON object, or null when it is not one (the caller dead-letters it). */
  private static JsonNode envelopeObject(String raw) {
    try {
      JsonNode envelope = CeleryJson.parse(raw);
      return envelope != null && envelope.isObject() ? envelope : null;
    } catch (MalformedMessageException e) {
      return null;
    }
  }
}
