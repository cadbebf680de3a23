package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Apium's ops CLI as a separate process against Redis db 2 (unique queues and node names): {@code
 * apium purge -Q a,b -f} empties exactly the named queues and asks first without {@code -f}; the
 * live {@code apium events} table (not {@code --dump}) shows an Apium worker and the task it ran.
 */
class ApiumOpsCliIT {
  static final String REDIS = "redis://127.0.0.1:6379/2";
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final List<Process> processes = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    processes.forEach(Process::destroyForcibly);
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private record Run(int exit, String out) {}

  private static ProcessBuilder apium(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.apium.cli.ApiumCommand");
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  private Run run(String stdin, String... args) throws IOException, InterruptedException {
    Process p = apium(args).start();
    processes.add(p);
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  private Apium app() {
    Apium app = Apium.builder().withoutEnvironment().broker(REDIS).backend(REDIS).build();
    closing.add(app);
    return app;
  }

  @Test
  void purgeEmptiesTheNamedQueuesAndAsksFirstWithoutForce() throws Exception {
    String a = "purge-a-" + suffix;
    String b = "purge-b-" + suffix;
    String other = "purge-other-" + suffix;
    Apium app = app();
    for (String queue : List.of(a, a, a, b, b, other)) {
      app.send("ops.nothing", List.of(), Map.of(), dev.apium.CallOptions.create().queue(queue))
          .published()
          .get(30, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> app.broker().size(a) == 3);

    Run declined = run("no\n", "purge", "-b", REDIS, "-Q", a + "," + b);
    assertThat(declined.exit()).as(declined.out()).isEqualTo(1);
    assertThat(declined.out()).contains("WARNING: This will remove all tasks from queues: " + a);
    assertThat(declined.out()).contains("Not purged.");
    assertThat(app.broker().size(a)).isEqualTo(3);

    Run purged = run(null, "purge", "-b", REDIS, "-Q", a + "," + b, "-f");
    assertThat(purged.exit()).as(purged.out()).isZero();
    assertThat(purged.out()).contains("Purged 5 messages from 2 known task queues.");
    assertThat(app.broker().size(a)).isZero();
    assertThat(app.broker().size(b)).isZero();
    assertThat(app.broker().size(other)).as("a queue not named stays").isEqualTo(1);

    Run again = run(null, "purge", "-b", REDIS, "-Q", a, "-f");
    assertThat(again.out()).contains("No messages purged from 1 known task queue.");
    app.broker().purge(other);
  }

  @Test
  void theLiveEventsTableShowsAWorkerAndItsTask() throws Exception {
    String queue = "ops-ev-" + suffix;
    String node = "ops-" + suffix + "@mon";
    Process table = apium("events", "-b", REDIS, "--duration", "170").start();
    processes.add(table);
    ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    LineReader.follow(table.getInputStream(), lines);
    // The table is drawn every second once the CLI listens.
    await().atMost(Duration.ofSeconds(90)).until(() -> String.join("\n", lines).contains("WORKER"));

    Apium app = app();
    app.register("ops.add", call -> call.arg(0, int.class) + call.arg(1, int.class));
    Worker worker = app.worker().queues(queue).concurrency(1).nodename(node).start();
    closing.add(() -> worker.stop(Duration.ofSeconds(10)));
    app.control().events(true, List.of(node), Duration.ofSeconds(10));
    AsyncResult<Object> sum =
        app.send("ops.add", List.of(2, 3), Map.of(), dev.apium.CallOptions.create().queue(queue));
    assertThat(sum.get(Duration.ofSeconds(30))).isEqualTo(5);

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              List<String> all = List.copyOf(lines);
              assertThat(all).anySatisfy(l -> assertThat(l).startsWith(node).contains("ONLINE"));
              assertThat(all)
                  .anySatisfy(
                      l -> assertThat(l).startsWith(sum.id()).contains("SUCCESS", "ops.add", node));
            });
  }
}
