package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskFailedException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code apium -A <class> -b redis://.../6 --backend ... worker} (Celery's order) as a child JVM
 * with the everyday Celery flags: {@code --purge} empties the queues first, {@code -X} leaves a
 * queue alone, {@code --soft-time-limit} stops a long task, {@code --logfile} and {@code --pidfile}
 * hold the log and the pid, {@code --max-tasks-per-child} is accepted with a warning. Redis db 6,
 * queues of its own.
 */
class CeleryOrderWorkerIT {
  static final String REDIS = "redis://127.0.0.1:6379/6";

  private static String text(Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  @Test
  void celeryOrderAndEverydayFlags() throws Exception {
    String queue = "order-" + UUID.randomUUID().toString().substring(0, 8);
    String excluded = queue + "-x";
    Path dir = Files.createDirectories(Path.of("target", "worker-logs"));
    Path log = dir.resolve(queue + ".log");
    Path console = dir.resolve(queue + ".console");
    Path pid = dir.resolve(queue + ".pid");
    try (Apium app = NapTasks.client(REDIS, queue)) {
      List<AsyncResult<Object>> purged =
          List.of(
              app.signature("nap.sleep", 10, 1).delay(), app.signature("nap.sleep", 10, 2).delay());
      for (AsyncResult<Object> r : purged) {
        r.published().get(10, TimeUnit.SECONDS);
      }
      assertThat(app.broker().size(queue)).isEqualTo(2);

      Process p =
          CliProcess.start(
              console,
              List.of(),
              Map.of(),
              List.of(
                  "-A",
                  NapTasks.class.getName(),
                  "-b",
                  REDIS,
                  "--backend",
                  REDIS,
                  "worker",
                  "-Q",
                  queue + "," + excluded,
                  "-X",
                  excluded,
                  "-c",
                  "2",
                  "-n",
                  "order@" + queue,
                  "--soft-time-limit",
                  "1",
                  "--time-limit",
                  "30",
                  "--logfile",
                  log.toString(),
                  "--pidfile",
                  pid.toString(),
                  "--purge",
                  "--max-tasks-per-child",
                  "5"));
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> text(log).contains(" ready:") || !p.isAlive());
        assertThat(p.isAlive()).as(text(console) + text(log)).isTrue();
        assertThat(text(pid).trim()).isEqualTo(Long.toString(p.pid()));
        assertThat(text(log))
            .contains("Purged 2 message(s) from 1 queue(s): [" + queue + "]")
            .contains("--max-tasks-per-child 5 has no effect");
        assertThat(text(console)).doesNotContain(" ready:");

        AsyncResult<Object> quick = app.signature("nap.sleep", 50, 7).delay();
        AsyncResult<Object> tooLong = app.signature("nap.long", 8).delay();
        AsyncResult<Object> elsewhere =
            app.signature("nap.sleep", 10, 9).applyAsync(CallOptions.create().queue(excluded));
        assertThat(quick.get(Duration.ofSeconds(30))).isEqualTo("child 7");
        assertThatThrownBy(() -> tooLong.get(Duration.ofSeconds(30)))
            .isInstanceOfSatisfying(
                TaskFailedException.class,
                e -> assertThat(e.type()).isEqualTo("SoftTimeLimitExceeded"));
        assertThat(purged).allSatisfy(r -> assertThat(r.state()).isEqualTo("PENDING"));
        assertThat(elsewhere.state()).isEqualTo("PENDING");
        assertThat(app.broker().size(excluded)).isEqualTo(1);
      } finally {
        p.destroy(); // SIGTERM: warm shutdown
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        app.broker().purge(excluded);
      }
      assertThat(p.exitValue()).isZero();
      assertThat(pid).doesNotExist();
      assertThat(text(log)).contains("SIGTERM received: warm shutdown");
    }
  }
}
