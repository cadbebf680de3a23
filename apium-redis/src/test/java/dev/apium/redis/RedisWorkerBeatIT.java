package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.TaskContext;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code apium worker --beat} on Redis in real time: the worker's embedded beat sends a 5-second
 * interval task that the same worker runs, and its result lands in the Redis backend (db 15).
 */
class RedisWorkerBeatIT {

  @Test
  void anEmbeddedBeatRunsAFiveSecondJobEndToEnd() {
    String queue = "beat-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    List<TaskContext> runs = new CopyOnWriteArrayList<>();
    try (Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(RedisBeatContractIT.URL)
            .backend(RedisBeatContractIT.URL)
            .config("task_default_queue", queue)
            .build()) {
      app.register(
          "beat.ping",
          call -> {
            runs.add(call.context());
            return "pong " + call.arg(0, String.class);
          });
      app.beat()
          .name("e2e-" + queue)
          .leaseTtl(Duration.ofSeconds(3))
          .every("ping", Duration.ofSeconds(5), "beat.ping", "hello");
      Worker worker = app.worker().concurrency(1).beat(app.beat().build()).start();
      try {
        await().atMost(Duration.ofSeconds(15)).until(() -> runs.size() >= 2);
      } finally {
        worker.stop(Duration.ofSeconds(5));
      }
      TaskContext first = runs.get(0);
      TaskContext second = runs.get(1);
      assertThat(first.headers()).containsKey("apium_beat_key");
      assertThat(first.id()).isNotEqualTo(second.id());
      Instant firstAt = Instant.parse(key(first).substring("ping@".length()));
      Instant secondAt = Instant.parse(key(second).substring("ping@".length()));
      assertThat(Duration.between(firstAt, secondAt)).isEqualTo(Duration.ofSeconds(5));
      assertThat(app.result(first.id()).get(Duration.ofSeconds(5))).isEqualTo("pong hello");
      var store = app.backend().coordination().orElseThrow();
      assertThat(store.get("apium.beat.e2e-" + queue + ".last.ping")).isPresent();
      store.delete("apium.beat.e2e-" + queue + ".last.ping");
      store.delete("apium.beat.e2e-" + queue + ".leader.fence");
    }
  }

  private static String key(TaskContext context) {
    return String.valueOf(context.headers().get("apium_beat_key"));
  }
}
