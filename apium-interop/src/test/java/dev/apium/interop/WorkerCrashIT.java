package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Kill -9 an Apium worker process holding prefetched and running acks_late tasks: none is lost. */
class WorkerCrashIT {
  @Test
  void tasksOfAKilledWorkerRunOnTheNextWorkerAfterTheVisibilityTimeout() throws Exception {
    String queue = "crash-" + UUID.randomUUID();
    String key = "executions-" + queue;
    Process child =
        WorkerProcess.start(
            "crash-" + queue,
            List.of("APIUM_VISIBILITY_TIMEOUT=2"),
            "-A",
            RecordingTasks.class.getName(),
            "-b",
            RecordingTasks.REDIS,
            "--backend",
            RecordingTasks.REDIS,
            "-Q",
            queue,
            "-c",
            "2",
            "-n",
            "doomed@test");
    RedisClient client = RedisClient.create(RecordingTasks.REDIS);
    try (StatefulRedisConnection<String, String> redis = client.connect();
        Apium app =
            Apium.builder()
                .withoutEnvironment()
                .broker(RecordingTasks.REDIS)
                .backend(RecordingTasks.REDIS)
                .config("visibility_timeout", "2")
                .build()) {
      List<AsyncResult<Object>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        results.add(
            app.signature("crash.slow", "t" + i, key, 300L)
                .applyAsync(dev.apium.CallOptions.create().queue(queue)));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> redis.sync().llen(key) >= 2);
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(results.stream().filter(r -> r.ready()).count()).isLessThan(20);

      app.register(new RecordingTasks());
      try (Worker rescuer =
          app.worker().queues(queue).concurrency(4).nodename("rescuer@test").start()) {
        for (AsyncResult<Object> result : results) {
          assertThat(result.get(Duration.ofSeconds(60))).asString().startsWith("t");
        }
      }
      List<String> executions = redis.sync().lrange(key, 0, -1);
      assertThat(new HashSet<>(executions)).hasSize(20);
      // At-least-once: a task killed mid-run runs again; nothing else does.
      assertThat(executions.size()).isBetween(20, 22);
      redis.sync().del(key);
    } finally {
      child.destroyForcibly();
      client.shutdown();
    }
  }
}
