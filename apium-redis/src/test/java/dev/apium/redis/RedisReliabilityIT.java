package dev.apium.redis;

import static dev.apium.redis.RedisWireLayoutIT.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.ApiumConfig;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.BrokerException;
import dev.apium.spi.Delivery;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Crash recovery, keep-alive, dead letters, prefetch; db 11, one key prefix per test. */
class RedisReliabilityIT {
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

  private static RedisBroker broker(String prefix) {
    return broker(prefix, 1.0);
  }

  private static RedisBroker broker(String prefix, double visibilitySeconds) {
    redis.prefixes.add(prefix);
    return new RedisBroker(redis.url(), RedisTestSupport.config(prefix, visibilitySeconds));
  }

  @Test
  void killedConsumerLosesNothing() throws Exception {
    String prefix = RedisTestSupport.unique("kill") + ":";
    RedisBroker victim = broker(prefix);
    for (int i = 0; i < 20; i++) {
      victim.publish("q", RedisTestSupport.wire("t" + i, i % 10));
    }
    BlockingQueue<Delivery> held = new LinkedBlockingQueue<>();
    victim.consume(List.of("q"), 20, held::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> held.size() == 20);
    assertThat(redis.raw.hlen(prefix + "unacked")).isEqualTo(20);
    assertThat(victim.size("q")).isZero();
    victim.abandon();

    try (RedisBroker survivor = broker(prefix)) {
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      survivor.consume(List.of("q"), 5, got::add);
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < 20; i++) {
        Delivery d = poll(got);
        assertThat(d.redelivered()).isTrue();
        ids.add((String) d.message().header("id"));
        d.ack();
      }
      assertThat(ids).hasSize(20);
      await().atMost(Duration.ofSeconds(5)).until(() -> redis.raw.hlen(prefix + "unacked") == 0);
      assertThat(redis.raw.zcard(prefix + "unacked_index")).isZero();
    }
  }

  @Test
  void keepAlivePreventsRestoreWhileTheHolderLives() throws Exception {
    String prefix = RedisTestSupport.unique("keep") + ":";
    RedisBroker holder = broker(prefix, 2.0);
    holder.publish("q", RedisTestSupport.wire("eta-task", 0));
    BlockingQueue<Delivery> held = new LinkedBlockingQueue<>();
    holder.consume(List.of("q"), 1, held::add);
    Delivery etaTask = poll(held);
    ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor();
    keeper.scheduleAtFixedRate(etaTask::keepAlive, 0, 200, TimeUnit.MILLISECONDS);
    try (RedisBroker other = broker(prefix, 2.0)) {
      BlockingQueue<Delivery> stolen = new LinkedBlockingQueue<>();
      other.consume(List.of("q"), 1, stolen::add);
      await()
          .during(Duration.ofMillis(3500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> stolen.isEmpty() && held.isEmpty());
      assertThat(redis.raw.hexists(prefix + "unacked", etaTask.deliveryTag())).isTrue();

      keeper.shutdownNow();
      holder.abandon();
      Delivery redelivered = poll(stolen);
      assertThat(redelivered.message().header("id")).isEqualTo("eta-task");
      // a new pop, a new tag: the old holder's tag can never ack or restore the new one's entry
      assertThat(redelivered.deliveryTag()).isNotEqualTo(etaTask.deliveryTag());
      assertThat(redelivered.message().property("delivery_tag"))
          .isEqualTo(etaTask.message().property("delivery_tag"));
      redelivered.ack();
    } finally {
      keeper.shutdownNow();
    }
  }

  @Test
  void acksStillQueuedAtCloseAreWrittenBeforeTheBrokerCloses() throws Exception {
    String prefix = RedisTestSupport.unique("ackclose") + ":";
    RedisBroker broker = broker(prefix, 60.0);
    List<dev.apium.protocol.WireMessage> messages = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      messages.add(RedisTestSupport.wire("t" + i, 0));
    }
    broker.publishAll("", "q", messages);
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    broker.consume(List.of("q"), 500, got::add);
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 500);
    got.forEach(Delivery::ack);
    broker.close();
    // every ack was written (none left in unacked) and nothing acked was restored on close
    assertThat(redis.raw.hlen(prefix + "unacked")).isZero();
    assertThat(redis.raw.zcard(prefix + "unacked_index")).isZero();
    assertThat(redis.raw.llen(prefix + "q")).isZero();
  }

  @Test
  void anAckOfATagRestoredMeanwhileLeavesTheNewHolderAlone() throws Exception {
    String prefix = RedisTestSupport.unique("stale-ack") + ":";
    RedisBroker slow = broker(prefix, 60.0);
    slow.publish("q", RedisTestSupport.wire("once", 0));
    BlockingQueue<Delivery> slowGot = new LinkedBlockingQueue<>();
    slow.consume(List.of("q"), 1, slowGot::add);
    Delivery old = poll(slowGot);
    try (RedisBroker fast = broker(prefix, 60.0)) {
      BlockingQueue<Delivery> fastGot = new LinkedBlockingQueue<>();
      fast.consume(List.of("q"), 1, fastGot::add);
      // the slow holder's entry goes stale and is restored (as kombu's restore_visible would)
      redis.raw.zadd(prefix + "unacked_index", 0.0, old.deliveryTag());
      // (retried: a broker's own restore timer may hold unacked_mutex or restore it first)
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> fast.restoreStale() >= 0 && !fastGot.isEmpty());
      Delivery fresh = poll(fastGot);
      assertThat(fresh.message().header("id")).isEqualTo("once");
      assertThat(fresh.redelivered()).isTrue();
      assertThat(fresh.deliveryTag()).isNotEqualTo(old.deliveryTag());

      old.ack();
      slow.close(); // writes the queued ack
      assertThat(redis.raw.hexists(prefix + "unacked", fresh.deliveryTag())).isTrue();
      assertThat(redis.raw.zscore(prefix + "unacked_index", fresh.deliveryTag())).isNotNull();

      fresh.ack();
    }
    assertThat(redis.raw.hlen(prefix + "unacked")).isZero();
    assertThat(redis.raw.llen(prefix + "q")).isZero();
  }

  @Test
  void aPopAfterRedisForgotItsScriptsSendsTheScriptAgain() throws Exception {
    String prefix = RedisTestSupport.unique("noscript") + ":";
    try (RedisBroker broker = broker(prefix)) {
      broker.publish("q", RedisTestSupport.wire("before-flush", 0));
      broker.publish("q", RedisTestSupport.wire("é-utf8 ✓", 0));
      redis.raw.scriptFlush(); // as a restarted or failed-over Redis: EVALSHA answers NOSCRIPT
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      broker.consume(List.of("q"), 2, got::add);
      Delivery first = poll(got);
      Delivery second = poll(got);
      assertThat(List.of(first.message().header("id"), second.message().header("id")))
          .containsExactlyInAnyOrder("before-flush", "é-utf8 ✓");
      first.ack();
      second.ack();
    }
  }

  @Test
  void malformedEnvelopesAreDeadLetteredAndConsumptionContinues() throws Exception {
    String prefix = RedisTestSupport.unique("dead") + ":";
    String good = "{\"task\": \"spec.add\", \"id\": \"bad\"}";
    String props = "\"properties\": {\"delivery_tag\": \"%s\"%s}";
    redis.raw.lpush(prefix + "q", "this is not json");
    // kombu's layout at the end (so pop.lua does not decode it), but not JSON: the consumer
    // dead-letters it
    redis.raw.lpush(
        prefix + "q",
        "{\"body\": oops, \"properties\": {\"delivery_info\": {\"exchange\": \"\","
            + " \"routing_key\": \"q\"}, \"priority\": 0, \"body_encoding\": \"base64\","
            + " \"delivery_tag\": \"t\"}}");
    redis.raw.lpush(
        prefix + "q",
        "{\"body\": \"W10=\", \"properties\": " + "{\"delivery_tag\": \"no-headers\"}}");
    redis.raw.lpush(
        prefix + "q",
        "{\"body\": \"A\", \"headers\": "
            + good
            + ", "
            + String.format(props, "bad-base64", ", \"body_encoding\": \"base64\"")
            + "}");
    redis.raw.lpush(
        prefix + "q",
        "{\"body\": \"[]\", \"headers\": "
            + good
            + ", "
            + String.format(props, "utf8", ", \"body_encoding\": \"utf-8\"")
            + "}");
    try (RedisBroker broker = broker(prefix)) {
      broker.publish("q", RedisTestSupport.wire("ok-1", 0));
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      broker.consume(List.of("q"), 1, got::add);
      Delivery d = poll(got);
      assertThat(d.message().header("id")).isEqualTo("ok-1");
      d.ack();
      List<String> dead = redis.raw.lrange(prefix + "apium.dead", 0, -1);
      assertThat(dead).hasSize(5);
      List<String> reasons = new ArrayList<>();
      for (String record : dead) {
        JsonNode node = CeleryJson.parse(record);
        assertThat(node.get("raw").asText()).isNotEmpty();
        reasons.add(node.get("reason").asText());
      }
      assertThat(String.join("|", reasons))
          .contains("not a JSON object", "headers", "base64", "utf-8");
      await().atMost(Duration.ofSeconds(5)).until(() -> redis.raw.hlen(prefix + "unacked") == 0);

      broker.publish("q", RedisTestSupport.wire("ok-2", 0));
      Delivery later = poll(got);
      later.deadLetter("task said so");
      JsonNode record = CeleryJson.parse(redis.raw.lindex(prefix + "apium.dead", 0));
      assertThat(record.get("reason").asText()).isEqualTo("task said so");
      assertThat(record.get("delivery_tag").asText()).isEqualTo(later.deliveryTag());
      assertThat(CeleryJson.parse(record.get("raw").asText()).at("/headers/id").asText())
          .isEqualTo("ok-2");
      assertThat(redis.raw.hlen(prefix + "unacked")).isZero();
    }
  }

  @Test
  void prefetchBoundsOutstandingDeliveries() throws Exception {
    String prefix = RedisTestSupport.unique("pf") + ":";
    try (RedisBroker broker = broker(prefix)) {
      for (int i = 0; i < 10; i++) {
        broker.publish("q", RedisTestSupport.wire("t" + i, 0));
      }
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      Subscription s = broker.consume(List.of("q"), 3, got::add);
      await()
          .during(Duration.ofMillis(500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> got.size() == 3);
      got.take().ack();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
      assertThat(broker.size("q")).isEqualTo(6);
      s.setPrefetch(5);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> got.size() == 5);
      s.close();
    }
  }

  /**
   * With a full batch in hand the consumer has already sent its next pop; closed while handing out
   * the first message, it gives back both the rest of the batch and everything that pop took.
   */
  @Test
  void closingGivesBackWhatThePopSentAheadTook() throws Exception {
    String prefix = RedisTestSupport.unique("ahead") + ":";
    try (RedisBroker broker = broker(prefix)) {
      for (int i = 0; i < 300; i++) {
        broker.publish("q", RedisTestSupport.wire("t" + i, 0));
      }
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      java.util.concurrent.CompletableFuture<Subscription> subscription =
          new java.util.concurrent.CompletableFuture<>();
      Subscription s =
          broker.consume(
              List.of("q"),
              1000,
              d -> {
                got.add(d);
                if (got.size() == 1) {
                  subscription.orTimeout(5, TimeUnit.SECONDS).join().close();
                }
              });
      subscription.complete(s);
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(5))
          .until(() -> broker.size("q") == 299 && redis.raw.hlen(prefix + "unacked") == 1);
      assertThat(got).hasSize(1);
    }
  }

  @Test
  void severalQueuesAreServedInTurn() throws Exception {
    String prefix = RedisTestSupport.unique("fair") + ":";
    try (RedisBroker broker = broker(prefix)) {
      for (int i = 0; i < 10; i++) {
        broker.publish("a", RedisTestSupport.wire("a" + i, 0));
        broker.publish("b", RedisTestSupport.wire("b" + i, 0));
      }
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      try (Subscription s = broker.consume(List.of("a", "b"), 1, got::add)) {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 20; i++) {
          Delivery d = poll(got);
          order.append(d.queue());
          d.ack();
        }
        assertThat(order.toString()).isEqualTo("ab".repeat(10));
      }
    }
  }

  @Test
  void unreachableRedisIsNamed() {
    assertThatThrownBy(() -> new RedisBroker("redis://127.0.0.1:1/0", ApiumConfig.of(Map.of())))
        .isInstanceOf(BrokerException.class)
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageContaining("broker_url");
  }
}
