package dev.apium.interop;

import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.CallOptions;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A Redis queue served by a Python worker beside an Apium worker with a 1 s {@code
 * worker_lost_timeout}: the Apium reaper never touches what the live Python worker holds, and once
 * the Python worker is killed its messages still wait for Celery's visibility timeout. Uses Redis
 * db 13 (unique queue names).
 */
class MixedReclaimIT {
  private static final String REDIS = RecordingTasks.REDIS;

  @Test
  void theReaperLeavesPythonWorkersToTheVisibilityTimeout() throws Exception {
    Assumptions.assumeTrue(PythonCelery.available(), "Debian's python3-celery is not installed");
    String pythonQueue = "mixed-py-" + UUID.randomUUID();
    String apiumQueue = "mixed-java-" + UUID.randomUUID();
    RedisClient client = RedisClient.create(REDIS);
    try (StatefulRedisConnection<String, String> connection = client.connect();
        PythonCelery python =
            new PythonCelery(REDIS, REDIS, pythonQueue).env("INTEROP_ACKS_LATE", "1");
        Apium app =
            Apium.builder()
                .withoutEnvironment()
                .broker(REDIS)
                .backend(REDIS)
                .config("worker_lost_timeout", "1")
                .build()) {
      RedisCommands<String, String> redis = connection.sync();
      Process pythonWorker = python.startWorker("mixed-py@test", 1, pythonQueue);
      for (int i = 0; i < 4; i++) {
        app.signature("interop.sleep", 60).applyAsync(CallOptions.create().queue(pythonQueue));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> heldFor(redis, pythonQueue) == 4);

      app.register("mixed.noop", call -> "ok");
      try (Worker apium = app.worker().queues(apiumQueue).concurrency(1).start()) {
        // Five lost-timeouts of reaping while the Python worker lives: its entries stay put.
        await()
            .during(Duration.ofSeconds(5))
            .atMost(Duration.ofSeconds(7))
            .until(() -> heldFor(redis, pythonQueue) == 4);
        pythonWorker.destroyForcibly();
        pythonWorker.waitFor();
        // Killed: still no liveness record covers kombu's tags, so they wait for the timeout.
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(5))
            .until(() -> heldFor(redis, pythonQueue) == 4 && redis.llen(pythonQueue) == 0);
      }
      // Celery's rule still applies: past the visibility timeout they are restored.
      try (Apium restorer =
          Apium.builder()
              .withoutEnvironment()
              .broker(REDIS)
              .backend(REDIS)
              .config("visibility_timeout", "1")
              .build()) {
        restorer.register("mixed.noop", call -> "ok");
        try (Worker w = restorer.worker().queues(apiumQueue).concurrency(1).start()) {
          await().atMost(Duration.ofSeconds(30)).until(() -> redis.llen(pythonQueue) == 4);
        }
      }
      redis.del(pythonQueue);
    } finally {
      client.shutdown();
    }
  }

  /** How many entries of kombu's {@code unacked} hash hold a message of {@code queue}. */
  private static long heldFor(RedisCommands<String, String> redis, String queue) {
    return redis.hvals("unacked").stream().filter(v -> v.contains("\"" + queue + "\"")).count();
  }
}
