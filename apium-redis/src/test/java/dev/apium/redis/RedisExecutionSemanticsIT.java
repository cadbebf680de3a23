package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.RateLimitScope;
import dev.apium.TaskOptions;
import dev.apium.spi.RateLimitStore;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cluster-wide rate limits and remote control over real Redis; db 10, a key prefix per test. */
class RedisExecutionSemanticsIT {
  static RedisTestSupport redis;

  @BeforeAll
  static void open() {
    redis = new RedisTestSupport(10);
  }

  @AfterAll
  static void close() {
    redis.close();
  }

  private static Apium app(String prefix) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(redis.url())
        .backend(redis.url())
        .config("global_keyprefix", prefix)
        .build();
  }

  @Test
  void twoBrokersShareOneBucket() {
    String prefix = RedisTestSupport.unique("bucket") + ":";
    try (Apium a = app(prefix);
        Apium b = app(prefix)) {
      RateLimitStore sa = a.broker().rateLimitStore().orElseThrow();
      RateLimitStore sb = b.broker().rateLimitStore().orElseThrow();
      assertThat(sa.acquire("apium.ratelimit.t", 1 / 3600.0, 1)).isZero();
      Duration wait = sb.acquire("apium.ratelimit.t", 1 / 3600.0, 1);
      assertThat(wait).isGreaterThan(Duration.ofMinutes(59));
      assertThat(sa.acquire("apium.ratelimit.other", 1 / 3600.0, 1)).isZero();
      assertThat(redis.raw.pttl(prefix + "apium.ratelimit.t")).isPositive();
    }
  }

  @Test
  void clusterRateLimitIsCountedOnceAcrossWorkersAndChangesByControl() {
    String prefix = RedisTestSupport.unique("cluster") + ":";
    AtomicInteger runs = new AtomicInteger();
    try (Apium one = app(prefix);
        Apium two = app(prefix);
        Apium client = app(prefix)) {
      for (Apium app : List.of(one, two)) {
        app.register(
            "t.limited",
            TaskOptions.DEFAULTS.withRateLimit("1/h", RateLimitScope.CLUSTER),
            call -> runs.incrementAndGet());
      }
      try (Worker w1 = one.worker().nodename("one@test").concurrency(1).start();
          Worker w2 = two.worker().nodename("two@test").concurrency(1).start()) {
        List<AsyncResult<Object>> sent =
            IntStream.range(0, 4).mapToObj(i -> client.send("t.limited")).toList();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> runs.get() == 1 && w1.rateLimited() + w2.rateLimited() == 3);
        Map<String, JsonNode> pongs = client.control().ping(Duration.ofSeconds(1));
        assertThat(pongs).containsOnlyKeys("one@test", "two@test");
        Map<String, JsonNode> replies =
            client.control().rateLimit("t.limited", "1000/s", Duration.ofSeconds(2));
        assertThat(replies).containsOnlyKeys("one@test", "two@test");
        for (AsyncResult<Object> r : sent) {
          r.get(Duration.ofSeconds(10));
        }
        assertThat(runs).hasValue(4);
      }
      assertThat(redis.raw.smembers(prefix + "_kombu.binding.reply.celery.pidbox"))
          .contains(
              client.oid() + "\u0006\u0016\u0006\u0016" + client.oid() + ".reply.celery.pidbox");
    }
  }

  @Test
  void revokeIsPersistedInRedisAndLoadedByALaterWorker() {
    String prefix = RedisTestSupport.unique("revoke") + ":";
    AtomicInteger runs = new AtomicInteger();
    try (Apium client = app(prefix)) {
      String id = java.util.UUID.randomUUID().toString();
      client.control().revoke(id);
      try (Apium app = app(prefix)) {
        app.register("t.count", call -> runs.incrementAndGet());
        try (Worker w = app.worker().concurrency(1).start()) {
          client.send("t.count", List.of(), Map.of(), dev.apium.CallOptions.create().taskId(id));
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> "REVOKED".equals(client.result(id).state()));
        }
      }
    }
    assertThat(runs).hasValue(0);
  }
}
