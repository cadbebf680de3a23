package dev.apium.cli;

import static dev.apium.cli.CliProcess.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code apium worker} as a child JVM on Redis db 8 with G1's log on: a worker that starts with
 * nothing to do collects its start-up heap once ({@code Pause Full (System.gc())}); one that finds
 * tasks waiting, or runs with {@code -Dapium.worker.settle=false}, does not.
 */
class StartupSettleIT {
  static final String REDIS = "redis://127.0.0.1:6379/8";
  static final String SETTLED = "Pause Full (System.gc())";

  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Path start(String queue, String... jvmFlags) throws Exception {
    Path log =
        Files.createDirectories(Path.of("target", "worker-logs")).resolve(queue + "-settle.log");
    List<String> flags = new ArrayList<>(List.of("-XX:+UseG1GC", "-Xlog:gc"));
    flags.addAll(List.of(jvmFlags));
    children.add(CliProcess.napWorker(log, flags, REDIS, queue, 1, "settle@" + queue));
    return log;
  }

  private static String queue() {
    return "settle-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void anIdleNewWorkerCollectsItsStartUpHeapOnce() throws Exception {
    Path log = start(queue());
    await().atMost(Duration.ofSeconds(30)).until(() -> text(log).contains(SETTLED));
    String after = text(log);
    assertThat(after.indexOf(SETTLED)).isEqualTo(after.lastIndexOf(SETTLED));
  }

  @Test
  void aWorkerThatFindsTasksWaitingKeepsItsHeap() throws Exception {
    String queue = queue();
    try (Apium app = NapTasks.client(REDIS, queue)) {
      List<AsyncResult<Object>> naps =
          IntStream.range(0, 20).mapToObj(i -> app.signature("nap.sleep", 200, i).delay()).toList();
      Path log = start(queue);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> !text(log).contains(SETTLED));
      assertThat(naps.get(0).get(Duration.ofSeconds(30))).isEqualTo("child 0");
    }
  }

  @Test
  void theSettleCanBeTurnedOff() throws Exception {
    Path log = start(queue(), "-D" + StartupSettle.PROPERTY + "=false");
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> !text(log).contains(SETTLED));
  }
}
