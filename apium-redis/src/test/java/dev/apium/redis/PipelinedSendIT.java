package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.BrokerException;
import dev.apium.testing.PrivateRedisServer;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Client sends are pipelined: order and completeness survive an immediate close, a send the broker
 * never got fails its result visibly, and results expected at send time arrive by pub/sub and leave
 * no subscription behind. Each test has its own private redis-server.
 */
class PipelinedSendIT {
  private PrivateRedisServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PrivateRedisServer().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.kill();
  }

  private Apium app(Map<String, Object> settings) {
    Apium.Builder b =
        Apium.builder().withoutEnvironment().broker(server.url(0)).backend(server.url(1));
    settings.forEach(b::config);
    return b.build();
  }

  @Test
  void everySendIsQueuedInOrderByTheTimeCloseReturns() {
    List<String> ids = new ArrayList<>();
    try (Apium app = app(Map.of())) {
      for (int i = 0; i < 3000; i++) {
        ids.add(app.send("t.none", i).id());
      }
    }
    RedisClient client = RedisClient.create(server.url(0));
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      List<String> list = c.sync().lrange("celery", 0, -1);
      assertThat(list).hasSize(3000);
      List<String> queued = new ArrayList<>();
      for (int i = list.size() - 1; i >= 0; i--) {
        queued.add(CeleryJson.parse(list.get(i)).at("/headers/id").asText());
      }
      assertThat(queued).isEqualTo(ids);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void aSendTheBrokerNeverGotFailsItsResult() throws Exception {
    try (Apium app =
        app(Map.of("task_publish_retry_timeout", "0.5", "redis_socket_timeout", "1"))) {
      app.send("t.none", 1).published().get(10, TimeUnit.SECONDS);
      server.kill();
      AsyncResult<Object> lost = app.send("t.none", 2);
      assertThatThrownBy(() -> lost.get(Duration.ofSeconds(20)))
          .isInstanceOf(BrokerException.class)
          .hasMessageContaining(lost.id())
          .hasMessageContaining("never queued");
      assertThatThrownBy(() -> lost.published().get(1, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(BrokerException.class);
    }
  }

  @Test
  void syncSendsThrowAtOnceWhenConfigured() throws Exception {
    try (Apium app =
        app(
            Map.of(
                "task_publish_sync",
                "true",
                "task_publish_retry_timeout",
                "0.5",
                "redis_socket_timeout",
                "1"))) {
      server.kill();
      assertThatThrownBy(() -> app.send("t.none", 2)).isInstanceOf(BrokerException.class);
    }
  }

  @Test
  void expectedResultsArriveByPushAndUnsubscribe() throws Exception {
    try (Apium app = app(Map.of())) {
      app.register("t.add", call -> call.arg(0, Integer.class) + call.arg(1, Integer.class));
      try (Worker worker = app.worker().concurrency(2).start()) {
        List<AsyncResult<Object>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
          results.add(app.send("t.add", List.of(i, 1), Map.of(), CallOptions.create()));
        }
        for (int i = 0; i < 200; i++) {
          assertThat(results.get(i).get(Duration.ofSeconds(20))).isEqualTo(i + 1);
        }
        RedisClient client = RedisClient.create(server.url(1));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
          await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> c.sync().pubsubChannels("celery-task-meta-*").isEmpty());
        } finally {
          client.shutdown();
        }
      }
    }
  }
}
