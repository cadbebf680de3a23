package dev.apium.redis;

import static dev.apium.redis.RedisWireLayoutIT.poll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.spi.DeadLetters;
import dev.apium.spi.DeadLetters.DeadLetter;
import dev.apium.spi.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code apium.dead}: list, find, replay, purge, and its size and age caps; db 11, own prefix. */
class RedisDeadLettersIT {
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

  private static RedisBroker broker(String prefix, Map<String, String> extra) {
    redis.prefixes.add(prefix);
    Map<String, String> settings =
        new java.util.HashMap<>(
            Map.of(ApiumConfig.GLOBAL_KEYPREFIX, prefix, ApiumConfig.VISIBILITY_TIMEOUT, "60"));
    settings.putAll(extra);
    return new RedisBroker(redis.url(), ApiumConfig.of(settings));
  }

  /** Publishes {@code ids} to {@code q}, consumes them and dead-letters each one. */
  private static void deadLetter(RedisBroker broker, String... ids) throws InterruptedException {
    for (String id : ids) {
      broker.publish("q", RedisTestSupport.wire(id, 0));
    }
    BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
    try (var s = broker.consume(List.of("q"), ids.length, got::add)) {
      for (int i = 0; i < ids.length; i++) {
        poll(got).deadLetter("unreadable for the test");
      }
    }
  }

  @Test
  void listShowReplayAndPurge() throws InterruptedException {
    String prefix = RedisTestSupport.unique("dead") + ":";
    try (RedisBroker broker = broker(prefix, Map.of())) {
      deadLetter(broker, "d1", "d2");
      DeadLetters dead = broker.deadLetters().orElseThrow();
      List<DeadLetter> letters = dead.list(List.of(), 10);
      assertThat(letters).extracting(DeadLetter::taskId).containsExactly("d2", "d1");
      assertThat(letters.get(0).queue()).isEqualTo("q");
      assertThat(letters.get(0).reason()).isEqualTo("unreadable for the test");
      assertThat(letters.get(0).deadAt()).isNotNull();
      assertThat(dead.list(List.of("other"), 10)).isEmpty();

      assertThat(dead.replay(List.of(), "d1")).isTrue();
      assertThat(dead.replay(List.of(), "d1")).isFalse();
      assertThat(broker.size("q")).isEqualTo(1);
      BlockingQueue<Delivery> got = new LinkedBlockingQueue<>();
      try (var s = broker.consume(List.of("q"), 1, got::add)) {
        Delivery back = poll(got);
        assertThat(back.message().header("id")).isEqualTo("d1");
        assertThat(back.redelivered()).isTrue();
        back.ack();
      }
      assertThat(dead.purge(List.of())).isEqualTo(1);
      assertThat(dead.list(List.of(), 10)).isEmpty();
    }
  }

  @Test
  void sizeAndAgeCapsDropTheOldest() throws InterruptedException {
    String prefix = RedisTestSupport.unique("deadcap") + ":";
    try (RedisBroker broker = broker(prefix, Map.of(ApiumConfig.DEAD_LETTER_MAX, "2"))) {
      deadLetter(broker, "c1", "c2", "c3");
      broker.restoreStale();
      assertThat(broker.deadLetters().orElseThrow().list(List.of(), 10))
          .extracting(DeadLetter::taskId)
          .containsExactly("c3", "c2");
    }
    String aged = RedisTestSupport.unique("deadage") + ":";
    try (RedisBroker broker = broker(aged, Map.of(ApiumConfig.DEAD_LETTER_TTL, "0"))) {
      deadLetter(broker, "a1");
      // Older than a TTL of 0 once the clock has moved past its dead_at (in the same millisecond
      // it is not older yet, and CI once trimmed that quickly).
      Instant deadAt = broker.deadLetters().orElseThrow().list(List.of(), 10).get(0).deadAt();
      await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(deadAt));
      broker.restoreStale();
      assertThat(broker.deadLetters().orElseThrow().list(List.of(), 10)).isEmpty();
    }
  }
}
