package dev.apium.redis;

import static dev.apium.redis.RedisWireLayoutIT.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.protocol.CeleryJson;
import dev.apium.spi.Delivery;
import dev.apium.spi.Settings;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The idle consumer's one-step wake-up: {@code BLMOVE q landing} delivers the message and {@code
 * hold.lua} moves it from the consumer's landing list into {@code unacked}; what a landing list
 * still holds when its consumer is presumed dead goes back to its queue. Db 11, one key prefix per
 * test.
 */
class RedisLandingIT {
  static RedisTestSupport redis;

  @BeforeAll
  static void start() {
    redis = new RedisTestSupport(RedisTestSupport.DB);
  }

  @AfterAll
  static void stop() {
    redis.forgetPrefixed();
    redis.close();
  }

  @Test
  void aMessageTheBlockedWaitDeliversIsHeldInUnackedUntilAcked() throws Exception {
    String prefix = RedisTestSupport.unique("landing") + ":";
    redis.prefixes.add(prefix);
    try (RedisBroker broker = new RedisBroker(redis.url(), RedisTestSupport.config(prefix, 60.0))) {
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      broker.consume(List.of("q"), 4, got::add);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> redis.raw.clientList().contains("cmd=blmove"));
      broker.publish("q", RedisTestSupport.wire("woken", 0));

      Delivery delivery = poll(got);
      assertThat(delivery.message().header("id")).isEqualTo("woken");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> redis.raw.hexists(prefix + "unacked", delivery.deliveryTag()));
      String entry = redis.raw.hget(prefix + "unacked", delivery.deliveryTag());
      assertThat(CeleryJson.parse(entry).get(2).asText()).isEqualTo("q");
      assertThat(redis.raw.zscore(prefix + "unacked_index", delivery.deliveryTag())).isNotNull();
      assertThat(redis.raw.keys(prefix + "apium.landing.*")).isEmpty();
      assertThat(redis.raw.llen(prefix + "q")).isZero();

      delivery.ack();
      await().atMost(Duration.ofSeconds(5)).until(() -> redis.raw.hlen(prefix + "unacked") == 0);
      assertThat(redis.raw.zcard(prefix + "unacked_index")).isZero();
    }
  }

  @Test
  void aReplayedHoldFindsNothingToMove() {
    String prefix = RedisTestSupport.unique("hold") + ":";
    redis.prefixes.add(prefix);
    RedisKeys keys = new RedisKeys(prefix, RedisTestSupport.DB);
    String landing = keys.landing("0123456789abcdef.");
    String raw =
        new String(
            Envelopes.writeUtf8(RedisTestSupport.wire("once", 0), "", "q"), StandardCharsets.UTF_8);
    redis.raw.lpush(landing, raw);
    String[] scriptKeys = {keys.unacked(), keys.unackedIndex(), landing};
    String[] args = {"1700000000.5", "0123456789abcdef.7", raw, "[" + raw + ", \"\", \"q\"]"};

    BlockingRedis blocking = new BlockingRedis(redis.raw.getStatefulConnection());
    Long first = LuaScripts.HOLD.run(blocking, ScriptOutputType.INTEGER, scriptKeys, args);
    Long replay = LuaScripts.HOLD.run(blocking, ScriptOutputType.INTEGER, scriptKeys, args);

    assertThat(first).isEqualTo(1L);
    assertThat(replay).isZero();
    assertThat(redis.raw.hlen(keys.unacked())).isEqualTo(1);
    assertThat(redis.raw.zcard(keys.unackedIndex())).isEqualTo(1);
    assertThat(redis.raw.exists(landing)).isZero();
  }

  @Test
  void whatADeadConsumersLandingListHoldsGoesBackToItsQueue() throws Exception {
    String prefix = RedisTestSupport.unique("dead-landing") + ":";
    redis.prefixes.add(prefix);
    RedisKeys keys = new RedisKeys(prefix, RedisTestSupport.DB);
    String dead = "fedcba9876543210.";
    redis.raw.lpush(
        keys.landing(dead),
        new String(
            Envelopes.writeUtf8(RedisTestSupport.wire("stranded", 0), "", "q"),
            StandardCharsets.UTF_8));
    redis.raw.lpush(keys.landing(dead), "not json");
    redis.raw.zadd(keys.consumers(), 1.0, dead);
    var config =
        dev.apium.ApiumConfig.of(
            Map.of(
                dev.apium.ApiumConfig.GLOBAL_KEYPREFIX, prefix, Settings.WORKER_LOST_TIMEOUT, "1"));
    try (RedisBroker survivor = new RedisBroker(redis.url(), config)) {
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      survivor.consume(List.of("q"), 4, got::add);

      Delivery delivery = poll(got);
      assertThat(delivery.message().header("id")).isEqualTo("stranded");
      assertThat(delivery.redelivered()).isTrue();
      delivery.ack();
      assertThat(redis.raw.exists(keys.landing(dead))).isZero();
      assertThat(redis.raw.lrange(keys.dead(), 0, -1))
          .singleElement()
          .satisfies(record -> assertThat(record).contains("not json"));
    }
  }
}
