package dev.apium.cli;

import static dev.apium.cli.CliProcess.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code apium worker} as a child JVM on Redis db 8 (own queue): one SIGTERM is a warm shutdown
 * that finishes running tasks and returns prefetched ones; a second SIGTERM is cold and returns the
 * running {@code acks_late} tasks. Either way no task is lost: a second worker finishes them all.
 */
class WorkerProcessIT {
  static final String REDIS = "redis://127.0.0.1:6379/8";

  private static Process start(String queue, Path log) throws Exception {
    return CliProcess.napWorker(
        log, List.of(), REDIS, queue, 2, "child@" + queue, "--shutdown-timeout", "60");
  }

  @Test
  void warmThenColdShutdownLosesNothing() throws Exception {
    String queue = "proc-" + UUID.randomUUID().toString().substring(0, 8);
    Path dir = Files.createDirectories(Path.of("target", "worker-logs"));
    try (Apium app = NapTasks.client(REDIS, queue)) {
      // Warm: one TERM lets the running naps finish and returns the prefetched ones.
      Path warmLog = dir.resolve(queue + "-warm.log");
      Process warm = start(queue, warmLog);
      List<AsyncResult<Object>> naps =
          IntStream.range(0, 12)
              .mapToObj(i -> app.signature("nap.sleep", 1500, i).delay())
              .toList();
      await().atMost(Duration.ofSeconds(30)).until(() -> app.broker().size(queue) <= 4);
      warm.destroy(); // SIGTERM
      assertThat(warm.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(warm.exitValue()).isZero();
      assertThat(text(warmLog))
          .contains("SIGTERM received: warm shutdown")
          .contains("stopped after");
      long byChild = naps.stream().filter(AsyncResult::successful).count();
      assertThat(byChild).isBetween(2L, 11L);

      // Cold: a second TERM interrupts the running acks_late tasks, which return to the queue.
      String longQueue = queue + "-long";
      Path coldLog = dir.resolve(queue + "-cold.log");
      Process cold = start(longQueue, coldLog);
      List<AsyncResult<Object>> longOnes =
          IntStream.range(0, 2)
              .mapToObj(
                  i ->
                      app.signature("nap.long", i)
                          .applyAsync(dev.apium.CallOptions.create().queue(longQueue)))
              .toList();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> longOnes.stream().allMatch(r -> "STARTED".equals(r.state())));
      cold.destroy();
      await().atMost(Duration.ofSeconds(10)).until(() -> text(coldLog).contains("warm shutdown"));
      cold.destroy();
      assertThat(cold.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(text(coldLog)).contains("SIGTERM received again: cold shutdown");

      // Nothing lost: another worker finishes every task the child did not.
      try (Apium finisher =
          Apium.builder().withoutEnvironment().broker(REDIS).backend(REDIS).build()) {
        finisher.register("nap.sleep", call -> "finisher " + call.arg(1, Integer.class));
        finisher.register("nap.long", call -> "finisher " + call.arg(0, Integer.class));
        try (Worker rest = finisher.worker().queues(queue, longQueue).concurrency(4).start()) {
          for (AsyncResult<Object> r : naps) {
            assertThat(String.valueOf(r.get(Duration.ofSeconds(30))))
                .matches("(child|finisher) \\d+");
          }
          for (AsyncResult<Object> r : longOnes) {
            assertThat(String.valueOf(r.get(Duration.ofSeconds(30)))).startsWith("finisher ");
          }
        }
      }
      assertThat(
              naps.stream()
                  .filter(r -> String.valueOf(r.get(Duration.ofSeconds(1))).startsWith("child"))
                  .count())
          .isEqualTo(byChild);
    }
  }
}
