package dev.apium.redis;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.MalformedMessageException;
import dev.apium.spi.DeadLetters;
import io.lettuce.core.ScriptOutputType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The dead-letter list {@code apium.dead} of one Redis database: each record is the JSON Apium
 * wrote when it moved a message aside ({@code reason}, {@code queue}, {@code dead_at}, {@code raw}
 * envelope). A record's id is the task id when the envelope is readable, else a digest of the
 * record. Replay is one Lua script (take the record off the list, push the envelope back with
 * kombu's redelivered marks), so a record goes back once. Also applies the caps ({@code
 * dead_letter_max}, {@code dead_letter_ttl}) when the broker's restore timer calls {@link #trim}.
 * Thread-safe; uses the broker's shared command connection.
 */
final class RedisDeadLetters implements DeadLetters {
  private final RedisBroker broker;
  private final long maxRecords;
  private final long ttlSeconds;

  RedisDeadLetters(RedisBroker broker, long maxRecords, long ttlSeconds) {
    this.broker = broker;
    this.maxRecords = maxRecords;
    this.ttlSeconds = ttlSeconds;
  }

  @Override
  public List<DeadLetter> list(List<String> queues, int limit) {
    List<DeadLetter> out = new ArrayList<>();
    for (Read read : read(queues)) {
      if (out.size() >= limit) {
        break;
      }
      out.add(read.letter());
    }
    return out;
  }

  @Override
  public boolean replay(List<String> queues, String id) {
    for (Read read : read(queues)) {
      if (read.letter().id().equals(id) || id.equals(read.letter().taskId())) {
        return replay(read);
      }
    }
    return false;
  }

  @Override
  public int replayAll(List<String> queues) {
    int replayed = 0;
    for (Read read : read(queues)) {
      if (replay(read)) {
        replayed++;
      }
    }
    return replayed;
  }

  @Override
  public long purge(List<String> queues) {
    if (queues.isEmpty()) {
      return broker.run(
          "purge dead letters",
          () -> {
            long n = broker.commands().llen(broker.keys().dead());
            broker.commands().del(broker.keys().dead());
            return n;
          });
    }
    long purged = 0;
    for (Read read : read(queues)) {
      purged += broker.commands().lrem(broker.keys().dead(), 1, read.record());
    }
    return purged;
  }

  /** Applies the size and age caps; returns how many records were dropped. */
  long trim() {
    double oldest = System.currentTimeMillis() / 1000.0 - ttlSeconds;
    return LuaScripts.TRIM_DEAD.<Long>run(
        broker.commands(),
        ScriptOutputType.INTEGER,
        new String[] {broker.keys().dead()},
        Long.toString(maxRecords),
        BigDecimal.valueOf(oldest).toPlainString());
  }

  private boolean replay(Read read) {
    String queue = read.letter().queue();
    if (queue == null || queue.isEmpty() || read.envelope() == null) {
      return false;
    }
    Object priority = read.envelope().path("properties").path("priority").numberValue();
    long done =
        LuaScripts.REPLAY_DEAD.<Long>run(
            broker.commands(),
            ScriptOutputType.INTEGER,
            new String[] {broker.keys().dead(), broker.keys().queue(queue, priority)},
            read.record(),
            Envelopes.redelivered(read.envelope()));
    return done == 1;
  }

  private record Read(String record, JsonNode envelope, DeadLetter letter) {}

  private List<Read> read(List<String> queues) {
    List<String> records =
        broker.run(
            "read dead letters", () -> broker.commands().lrange(broker.keys().dead(), 0, -1));
    List<Read> out = new ArrayList<>(records.size());
    for (String record : records) {
      Read read = parse(record);
      if (queues.isEmpty() || queues.contains(read.letter().queue())) {
        out.add(read);
      }
    }
    return out;
  }

  private static Read parse(String record) {
    JsonNode node;
    try {
      node = CeleryJson.parse(record);
    } catch (MalformedMessageException e) {
      return new Read(
          record, null, new DeadLetter(digest(record), null, "?", null, null, null, record));
    }
    String raw = node.path("raw").asText(null);
    JsonNode envelope = null;
    try {
      JsonNode parsed = raw == null ? null : CeleryJson.parse(raw);
      envelope = parsed != null && parsed.isObject() ? parsed : null;
    } catch (MalformedMessageException e) {
      envelope = null;
    }
    String queue = node.path("queue").asText(null);
    if ((queue == null || queue.isEmpty()) && envelope != null) {
      queue = envelope.path("properties").path("delivery_info").path("routing_key").asText(null);
    }
    String taskId = envelope == null ? null : envelope.path("headers").path("id").asText(null);
    String task = envelope == null ? null : envelope.path("headers").path("task").asText(null);
    JsonNode at = node.path("dead_at");
    Instant deadAt = at.isNumber() ? Instant.ofEpochMilli(Math.round(at.asDouble() * 1000)) : null;
    String id = taskId != null ? taskId : digest(record);
    return new Read(
        record,
        envelope,
        new DeadLetter(id, queue, node.path("reason").asText("?"), deadAt, taskId, task, raw));
  }

  private static String digest(String record) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-1").digest(record.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
