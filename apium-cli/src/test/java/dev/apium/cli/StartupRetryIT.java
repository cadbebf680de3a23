package dev.apium.cli;

import static dev.apium.cli.CliProcess.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.testing.PrivateRedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code apium worker} started before its broker: with Celery's default start-up retries it logs
 * one line per attempt and runs tasks once a private redis-server (free port, started 10 s later)
 * is up; with {@code broker_connection_retry_on_startup=false} it exits with status 2 and one line
 * naming the broker, password masked. A worker given only {@code CELERY_BROKER_URL} reads that
 * broker, as Celery does.
 */
class StartupRetryIT {
  private static Process worker(String url, Path log, Map<String, String> env) throws IOException {
    List<String> args =
        new ArrayList<>(List.of("worker", "-A", NapTasks.class.getName(), "-Q", "late", "-c", "1"));
    if (url != null) {
      args.addAll(List.of("-b", url));
    }
    return CliProcess.start(log, List.of(), env, args);
  }

  @Test
  void workerStartedBeforeItsRedisRunsTasksOnceItIsUp() throws Exception {
    Path log = Files.createTempFile("apium-late-redis-", ".log");
    try (PrivateRedisServer redis = new PrivateRedisServer()) {
      Process p = worker(redis.url(0), log, Map.of());
      try {
        long started = System.nanoTime();
        await()
            .pollDelay(Duration.ofSeconds(10))
            .atMost(Duration.ofSeconds(90))
            .until(() -> text(log).contains("Trying again in"));
        assertThat(p.isAlive()).as(text(log)).isTrue();
        assertThat(System.nanoTime() - started).isGreaterThan(Duration.ofSeconds(10).toNanos());
        assertThat(text(log))
            .contains("Cannot connect to broker " + redis.url(0))
            .contains("(1/100)")
            .doesNotContain(" ready:");
        redis.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> text(log).contains(" ready:"));
        try (Apium client =
            Apium.builder()
                .withoutEnvironment()
                .broker(redis.url(0))
                .config("task_default_queue", "late")
                .build()) {
          assertThat(client.send("nap.sleep", 1, 7).get(Duration.ofSeconds(30)))
              .isEqualTo("child 7");
        }
      } finally {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  @Test
  void celeryBrokerUrlFromTheEnvironmentRoutesTasksToTheWorker() throws Exception {
    Path log = Files.createTempFile("apium-celery-env-", ".log");
    try (PrivateRedisServer redis = new PrivateRedisServer().start()) {
      Process p = worker(null, log, Map.of("CELERY_BROKER_URL", redis.url(0)));
      try {
        await().atMost(Duration.ofSeconds(90)).until(() -> text(log).contains(" ready:"));
        assertThat(text(log))
            .contains("broker redis " + redis.url(0))
            .doesNotContain("embedded broker");
        try (Apium client =
            Apium.builder()
                .withoutEnvironment()
                .broker(redis.url(0))
                .config("task_default_queue", "late")
                .build()) {
          assertThat(client.send("nap.sleep", 1, 9).get(Duration.ofSeconds(30)))
              .isEqualTo("child 9");
        }
      } finally {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  @Test
  void retriesOffExitsWithOneLineNamingTheBroker() throws Exception {
    Path log = Files.createTempFile("apium-no-redis-", ".log");
    try (PrivateRedisServer nothing = new PrivateRedisServer()) {
      String url = "redis://:s3cret@127.0.0.1:" + nothing.port() + "/0";
      Process p = worker(url, log, Map.of("APIUM_BROKER_CONNECTION_RETRY_ON_STARTUP", "false"));
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      List<String> lines = text(log).lines().filter(l -> !l.isBlank()).toList();
      assertThat(lines).as(text(log)).hasSize(1);
      assertThat(lines.get(0))
          .startsWith(
              "apium: cannot connect to broker redis://:***@127.0.0.1:" + nothing.port() + "/0: ")
          .contains("broker_connection_retry_on_startup=false")
          .doesNotContain("s3cret");
    }
  }
}
