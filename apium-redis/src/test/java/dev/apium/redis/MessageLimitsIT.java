package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.WireMessage;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A zip bomb and a 100,000-level nested body published raw to a worker's queue (Redis db 4) are
 * dead-lettered with the limit they passed, and the worker goes on running tasks; a lower {@code
 * message_max_decompressed_bytes} setting is applied.
 */
class MessageLimitsIT {
  private static final String REDIS = "redis://127.0.0.1:6379/4";
  private final String queue = "limits-" + UUID.randomUUID();
  private Apium app;

  @AfterEach
  void close() {
    if (app != null) {
      app.close();
    }
  }

  private Apium app(Map<String, Object> settings) {
    Apium.Builder b =
        Apium.builder()
            .withoutEnvironment()
            .broker(REDIS)
            .backend(REDIS)
            .config("task_default_queue", queue);
    settings.forEach(b::config);
    Apium built = b.build();
    built.register("limits.add", Integer.class, Integer.class, Integer::sum);
    return built;
  }

  private static byte[] zlib(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z = new DeflaterOutputStream(out)) {
      z.write(raw);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static byte[] padded(int size) {
    byte[] raw = new byte[size];
    java.util.Arrays.fill(raw, (byte) ' ');
    byte[] body = "[[1, 2], {}, {}]".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(body, 0, raw, 0, body.length);
    return raw;
  }

  private WireMessage raw(String id, byte[] body) {
    return WireMessage.json(
        Map.of("lang", "py", "task", "limits.add", "id", id), Map.of("priority", 0), body);
  }

  private String deadReason(String id) {
    try (RedisClient client = RedisClient.create(REDIS);
        StatefulRedisConnection<String, String> c = client.connect()) {
      for (String record : c.sync().lrange("apium.dead", 0, -1)) {
        JsonNode node = CeleryJson.parse(record);
        if (node.get("raw").asText().contains(id)) {
          return node.get("reason").asText();
        }
      }
    }
    return null;
  }

  @Test
  void zipBombAndDeepNestingAreRefusedAndTheWorkerRunsOn() {
    app = app(Map.of());
    String bomb = UUID.randomUUID().toString();
    String deep = UUID.randomUUID().toString();
    byte[] compressed = zlib(padded(100 << 20));
    assertThat(compressed.length).isLessThan(1 << 20);
    app.broker()
        .publish(queue, raw(bomb, compressed).withHeader("compression", "application/x-gzip"));
    int levels = 100_000;
    byte[] nested =
        ("[[" + "[".repeat(levels) + "]".repeat(levels) + "], {}, {}]")
            .getBytes(StandardCharsets.US_ASCII);
    app.broker().publish(queue, raw(deep, nested));
    try (Worker worker = app.worker().queues(queue).concurrency(1).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> deadReason(deep) != null);
      assertThat(deadReason(bomb))
          .contains("inflates past 67108864 bytes")
          .contains("message_max_decompressed_bytes");
      assertThat(deadReason(deep))
          .contains("nests deeper than 1000 levels")
          .contains("message_max_json_depth");
      assertThat(app.send("limits.add", 2, 3).get(Duration.ofSeconds(20))).isEqualTo(5);
    }
  }

  @Test
  void lowerDecompressedCapIsTheSetting() {
    app = app(Map.of("message_max_decompressed_bytes", 4096, "message_max_json_depth", 20));
    String big = UUID.randomUUID().toString();
    String fits = UUID.randomUUID().toString();
    String deep = UUID.randomUUID().toString();
    app.broker()
        .publish(
            queue, raw(big, zlib(padded(8192))).withHeader("compression", "application/x-gzip"));
    app.broker()
        .publish(
            queue, raw(fits, zlib(padded(2048))).withHeader("compression", "application/x-gzip"));
    app.broker()
        .publish(
            queue, raw(deep, ("[[" + "[".repeat(30) + "]".repeat(30) + "], {}, {}]").getBytes()));
    try (Worker worker = app.worker().queues(queue).concurrency(1).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> deadReason(deep) != null);
      assertThat(deadReason(big)).contains("inflates past 4096 bytes");
      assertThat(deadReason(deep)).contains("nests deeper than 20 levels");
      assertThat(app.result(fits).get(Duration.ofSeconds(20))).isEqualTo(3);
    }
  }
}
