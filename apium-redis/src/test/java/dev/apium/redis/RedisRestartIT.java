package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.ApiumConfig;
import dev.apium.protocol.ResultMeta;
import dev.apium.spi.Subscription;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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
  private Path dir;
  private int port;
  private Process server;

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("apium-redis-restart");
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    startServer();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private void startServer() throws IOException {
    server =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("server.log").toFile())
            .start();
    RedisClient probe = RedisClient.create("redis://127.0.0.1:" + port);
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(
              () -> {
                try (var c = probe.connect()) {
                  return "PONG".equals(c.sync().ping());
                }
              });
    } finally {
      probe.shutdown();
    }
  }

  private void kill() throws InterruptedException {
    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Test
  void consumerAndWaitersResumeAfterRedisRestart() throws Exception {
    String url = "redis://127.0.0.1:" + port + "/0";
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

      kill();
      CompletableFuture<Void> publisher =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 50; i++) {
                  broker.publish("q", RedisTestSupport.wire("after-" + i, 0));
                }
              });
      startServer();
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
