package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.Chord;
import dev.apium.Signature;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Apium worker process killed with SIGKILL under default settings (visibility timeout one hour):
 * a live Apium worker gives its held messages back within {@code worker_lost_timeout} (30 s by
 * default), on every transport that emulates acks. Executions are recorded in Redis db 13.
 */
class WorkerLostIT {
  private static final Duration LOST_TIMEOUT = Duration.ofSeconds(30);
  private static final String PG = "postgresql://postgres@127.0.0.1:5432/test";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"redis", "sqlite", "postgresql"})
  void aKilledWorkersTasksCompleteWithinTheLostTimeout(String transport) throws Exception {
    String queue = "lost-" + UUID.randomUUID();
    String key = "executions-" + queue;
    String schema = "apium_it_lost_" + UUID.randomUUID().toString().substring(0, 8);
    String broker =
        switch (transport) {
          case "redis" -> RecordingTasks.REDIS;
          case "sqlite" -> "sqlite:" + Files.createTempDirectory("apium-lost").resolve("broker.db");
          default -> PG + "?schema=" + schema;
        };
    Process doomed = startWorker("lost-" + transport, broker, queue, "doomed@test");
    RedisClient client = RedisClient.create(RecordingTasks.REDIS);
    try (StatefulRedisConnection<String, String> redis = client.connect();
        Apium app = app(broker)) {
      List<AsyncResult<Object>> results = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        results.add(
            app.signature("crash.slow", "t" + i, key, 300L)
                .applyAsync(CallOptions.create().queue(queue)));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> redis.sync().llen(key) >= 4);
      app.register(new RecordingTasks());
      try (Worker rescuer =
          app.worker().queues(queue).concurrency(4).nodename("rescuer@test").start()) {
        doomed.destroyForcibly();
        assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        Duration deadline = LOST_TIMEOUT.plusSeconds(10);
        for (AsyncResult<Object> result : results) {
          Duration left = deadline.minusNanos(System.nanoTime() - killedAt);
          assertThat(result.get(left.isNegative() ? Duration.ZERO : left))
              .asString()
              .startsWith("t");
        }
        double recovered = (System.nanoTime() - killedAt) / 1e9;
        List<String> executions = redis.sync().lrange(key, 0, -1);
        assertThat(new HashSet<>(executions)).hasSize(40);
        int duplicates = executions.size() - 40;
        System.out.printf(
            "[WorkerLostIT] %s: 40 sent, 40 completed, 0 lost, %d run again (started on the killed"
                + " worker, not acknowledged when it died), all done %.1f s after the kill%n",
            transport, duplicates, recovered);
        assertOnlyTheKilledWorkersTasksRanAgain(redis, key, "rescuer@test", "doomed@test");
      }
      redis.sync().del(key, key + ":by");
    } finally {
      doomed.destroyForcibly();
      client.shutdown();
      if (transport.equals("postgresql")) {
        try (var c =
                DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
            var s = c.createStatement()) {
          s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    }
  }

  @Test
  void chordsSurviveAKilledWorkerWithNoBodyRunTwice() throws Exception {
    String queue = "lost-chords-" + UUID.randomUUID();
    String key = "bodies-" + queue;
    Process doomed = startWorker("lost-chords", RecordingTasks.REDIS, queue, "doomed2@test");
    RedisClient client = RedisClient.create(RecordingTasks.REDIS);
    try (StatefulRedisConnection<String, String> redis = client.connect();
        Apium app = app(RecordingTasks.REDIS)) {
      app.register(new RecordingTasks());
      List<AsyncResult<Object>> chords = new ArrayList<>();
      for (int c = 0; c < 300; c++) {
        List<Signature> parts = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
          parts.add(app.signature("crash.part", i));
        }
        chords.add(
            Chord.of(parts, app.signature("crash.sum", key, "c" + c))
                .applyAsync(CallOptions.create().queue(queue)));
      }
      // The doomed worker alone has finished some chords, so it holds parts of others now.
      await().atMost(Duration.ofSeconds(60)).until(() -> redis.sync().llen(key) >= 20);
      try (Worker survivor =
          app.worker().queues(queue).concurrency(4).nodename("survivor@test").start()) {
        doomed.destroyForcibly();
        assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        int hung = 0;
        for (AsyncResult<Object> chord : chords) {
          Duration left = LOST_TIMEOUT.plusSeconds(20).minusNanos(System.nanoTime() - killedAt);
          try {
            assertThat(chord.get(left.isNegative() ? Duration.ZERO : left)).isEqualTo(55);
          } catch (dev.apium.TaskTimeoutException e) {
            hung++;
          }
        }
        Map<String, Integer> runs = new HashMap<>();
        for (String body : redis.sync().lrange(key, 0, -1)) {
          runs.merge(body, 1, Integer::sum);
        }
        long doubled = runs.values().stream().filter(n -> n > 1).count();
        System.out.printf(
            "[WorkerLostIT] 300 chords x 10, one of two workers killed: %d completed, %d hung,"
                + " %d bodies run again (run by the killed worker, unacknowledged when it died),"
                + " done %.1f s after the kill%n",
            runs.size(), hung, doubled, (System.nanoTime() - killedAt) / 1e9);
        assertThat(hung).isZero();
        assertThat(runs).hasSize(300);
        // A body runs twice only when the killed worker ran it and died before its ack landed;
        // the chord join itself never sends a body twice.
        assertOnlyTheKilledWorkersTasksRanAgain(redis, key, "survivor@test", "doomed2@test");
      }
      redis.sync().del(key, key + ":by");
    } finally {
      doomed.destroyForcibly();
      client.shutdown();
    }
  }

  /**
   * At-least-once, and no more than that: a task runs again only when one of its runs was on the
   * killed worker (it died before the ack of that run reached the broker), so the surviving worker
   * never runs one task twice. Reads the {@code "tag nodename"} records of {@link RecordingTasks}.
   */
  private static void assertOnlyTheKilledWorkersTasksRanAgain(
      StatefulRedisConnection<String, String> redis, String key, String survivor, String killed) {
    Map<String, List<String>> runsByTag = new HashMap<>();
    for (String record : redis.sync().lrange(key + ":by", 0, -1)) {
      int at = record.indexOf(' ');
      runsByTag
          .computeIfAbsent(record.substring(0, at), t -> new ArrayList<>())
          .add(record.substring(at + 1));
    }
    runsByTag.forEach(
        (tag, hosts) -> {
          assertThat(hosts.stream().filter(survivor::equals).count())
              .as("runs of %s on the surviving worker (all runs: %s)", tag, hosts)
              .isLessThanOrEqualTo(1);
          assertThat(hosts).as("who ran %s", tag).isSubsetOf(survivor, killed);
        });
  }

  private static Process startWorker(String log, String broker, String queue, String name)
      throws java.io.IOException {
    return WorkerProcess.start(
        log,
        List.of(),
        "-A",
        RecordingTasks.class.getName(),
        "-b",
        broker,
        "--backend",
        RecordingTasks.REDIS,
        "-Q",
        queue,
        "-c",
        "4",
        "-n",
        name);
  }

  private static Apium app(String broker) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(broker)
        .backend(RecordingTasks.REDIS)
        .build();
  }
}
