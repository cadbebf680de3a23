package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.ResultMeta;
import dev.apium.spi.Subscription;
import dev.apium.testing.PrivateRedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs a PRIVATE redis-server (free port, AOF with fsync always, temp dir) as a child process,
 * kills it with SIGKILL and restarts it on the same port: consumers, publishers and result waiters
 * must carry on and lose nothing. Never touches the shared 6379.
 */
class RedisRestartIT {
  private PrivateRedisServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PrivateRedisServer().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.kill();
  }

  @Test
  void consumerAndWaitersResumeAfterRedisRestart() throws Exception {
    String url = server.url(0);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    try (RedisBroker broker = new RedisBroker(url, ApiumConfig.of(Map.of()));
        RedisResultBackend backend = new RedisResultBackend(url, ApiumConfig.of(Map.of()))) {
      Subscription s =
          broker.consume(
              java.util.List.of("q"),
              10,
              d -> {
                seen.add((String) d.message().header("id"));
                d.ack();
              });
      for (int i = 0; i < 50; i++) {
        broker.publish("q", RedisTestSupport.wire("before-" + i, 0));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 50);
      CompletableFuture<ResultMeta> waiting = backend.awaitReady("after-result");

      server.kill();
      CompletableFuture<Void> publisher =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 50; i++) {
                  broker.publish("q", RedisTestSupport.wire("after-" + i, 0));
                }
              });
      server.start();
      publisher.get(30, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 100);
      assertThat(broker.size("q")).isZero();

      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                backend.store(
                    ResultMeta.success(
                        "after-result",
                        com.fasterxml.jackson.databind.node.IntNode.valueOf(7),
                        Instant.now()));
                assertThat(waiting.get(1, TimeUnit.SECONDS).result().asInt()).isEqualTo(7);
              });
      s.close();
    }
  }
}
