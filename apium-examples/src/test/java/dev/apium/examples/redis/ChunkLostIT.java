package dev.apium.examples.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.examples.ExampleTasks;
import dev.apium.examples.Progress;
import dev.apium.examples.TestData;
import dev.apium.examples.analysis.Analysis;
import dev.apium.examples.analysis.AnalysisChecks;
import dev.apium.examples.analysis.Query;
import dev.apium.examples.analysis.Summary;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On Redis (db 9, which this class owns): a worker process killed with SIGKILL while it holds
 * acks_late chunks of a streaming analysis loses nothing; after the visibility timeout another
 * worker redoes them, the chord joins once and the answer is exact.
 */
class ChunkLostIT {
  static final String REDIS = "redis://127.0.0.1:6379/9";
  static final Query WEATHER =
      new Query(
          List.of(new Query.Measure("temp_max", -10, 40, 50)),
          List.of(new Query.Key("weather", "weather", "value")));

  /** What Redis holds for redelivery, for a failure message. */
  private static String unacked(RedisClient redis) {
    try (StatefulRedisConnection<String, String> c = redis.connect()) {
      return "unacked: "
          + c.sync().hlen("unacked")
          + " held, mutex "
          + (c.sync().exists("unacked_mutex") > 0 ? "taken" : "free")
          + ", celery queue "
          + c.sync().llen("celery");
    }
  }

  @Test
  void aStreamedAnalysisOnRedisIsExactInlineAndByReference(@TempDir Path dir) {
    Path table = TestData.weatherCsv(dir.resolve("weather.csv"));
    Apium app =
        ExampleTasks.register(
            Apium.builder().withoutEnvironment().broker(REDIS).backend(REDIS).build());
    try (Worker worker = app.worker().concurrency(2).nodename("streaming@test").start()) {
      for (boolean byReference : List.of(false, true)) {
        Summary summary =
            new Analysis(app, WEATHER, 50)
                .byReference(byReference)
                .chunkBytes(2_000)
                .window(5)
                .run(table, Duration.ofSeconds(60), Progress.NONE);
        assertThat(summary.rows()).isEqualTo(1461);
        AnalysisChecks.assertMatchesReference(summary, table, WEATHER, false);
      }
    } finally {
      app.close();
    }
  }

  @Test
  void chunksHeldByAKilledWorkerAreRedoneAndTheAnswerIsExact(@TempDir Path dir) throws Exception {
    RedisClient redis = RedisClient.create(REDIS);
    try (StatefulRedisConnection<String, String> connection = redis.connect()) {
      connection.sync().flushdb();
    }
    Path table = TestData.weatherCsv(dir.resolve("weather.csv"));
    Path started = dir.resolve("started.txt");
    Process doomed =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SlowChunkWorker.class.getName(),
                REDIS,
                started.toString(),
                "60000")
            .redirectErrorStream(true)
            .redirectOutput(
                Files.createDirectories(Path.of("target", "worker-logs"))
                    .resolve("chunk-lost-doomed.log")
                    .toFile())
            .start();
    try (Apium client = Apium.builder().withoutEnvironment().broker(REDIS).backend(REDIS).build()) {
      CompletableFuture<Summary> answer =
          CompletableFuture.supplyAsync(
              () ->
                  new Analysis(client, WEATHER, 100)
                      .byReference(true)
                      .chunkBytes(4_000)
                      .window(4)
                      .run(table, Duration.ofSeconds(120), Progress.NONE));
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.exists(started) && Files.readAllLines(started).size() >= 2);
      doomed.destroyForcibly(); // SIGKILL: no warm shutdown, the chunks stay unacknowledged
      assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(answer).isNotDone();

      Apium rescue =
          ExampleTasks.register(
              Apium.builder()
                  .withoutEnvironment()
                  .broker(REDIS)
                  .backend(REDIS)
                  .config("visibility_timeout", "2")
                  .build());
      try (Worker rescuer = rescue.worker().concurrency(2).nodename("rescuer@test").start()) {
        await()
            .atMost(Duration.ofSeconds(90))
            .failFast(answer::isCompletedExceptionally)
            .untilAsserted(() -> assertThat(answer).as(unacked(redis)).isDone());
        Summary summary = answer.get();
        assertThat(summary.rows()).isEqualTo(1461);
        AnalysisChecks.assertMatchesReference(summary, table, WEATHER, false);
      } finally {
        rescue.close();
      }
    } finally {
      doomed.destroyForcibly();
      redis.shutdown();
    }
    assertThat(new File(started.toString())).exists();
  }
}
