package dev.apium.redis;

import dev.apium.ApiumConfig;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.TaskMessage;
import dev.apium.protocol.TaskMessageCodec;
import dev.apium.protocol.WireMessage;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A plain Lettuce connection to the shared test Redis (127.0.0.1:6379), for reading and writing raw
 * keys beside the code under test. This module's ITs own db {@value #DB} (other tests use 0, 1, 8,
 * 10, 12-15); only {@link RedisWireLayoutIT} flushes it, the others isolate themselves with a key
 * prefix or random names and delete what they made. Closed by the test.
 */
final class RedisTestSupport implements AutoCloseable {
  static final int DB = 11;
  final java.util.List<String> prefixes = new java.util.concurrent.CopyOnWriteArrayList<>();

  final int db;
  final RedisClient client;
  final StatefulRedisConnection<String, String> connection;
  final RedisCommands<String, String> raw;

  RedisTestSupport(int db) {
    this.db = db;
    this.client = RedisClient.create("redis://127.0.0.1:6379/" + db);
    this.connection = client.connect();
    this.raw = connection.sync();
  }

  String url() {
    return "redis://127.0.0.1:6379/" + db;
  }

  static String unique(String stem) {
    return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  static ApiumConfig config(String prefix, double visibilitySeconds) {
    return ApiumConfig.of(
        Map.of(
            ApiumConfig.GLOBAL_KEYPREFIX,
            prefix,
            ApiumConfig.VISIBILITY_TIMEOUT,
            Double.toString(visibilitySeconds)));
  }

  static TaskMessage task(String id, int priority, Object... args) {
    var array = CeleryJson.array();
    for (Object arg : args) {
      array.add(CeleryJson.toTree(arg));
    }
    return TaskMessage.builder("spec.add", id)
        .args(array)
        .origin("gen8124@vm")
        .replyTo("dd50e9fa-87ed-32c8-ac1c-5869d33c4bd8")
        .priority(priority)
        .build();
  }

  static WireMessage wire(String id, int priority, Object... args) {
    return TaskMessageCodec.encode(task(id, priority, args), Instant.now());
  }

  /** Deletes every key under the prefixes handed out by this test class. */
  void forgetPrefixed() {
    for (String prefix : prefixes) {
      java.util.List<String> keys = raw.keys(prefix + "*");
      if (!keys.isEmpty()) {
        raw.del(keys.toArray(String[]::new));
      }
    }
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
  }
}
