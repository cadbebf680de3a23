package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.CallOptions;
import dev.apium.protocol.CeleryJson;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Apium's ops CLI operates a real Python Celery 5.2.6 worker (started with {@code -E}) on Redis db
 * 2: {@code apium status}, {@code apium inspect active --json} (a running Python task), {@code
 * apium events --dump} (the Python worker's task events), {@code apium control shutdown} (the
 * Python worker exits), and a clear error once no worker answers.
 */
class ApiumCliAgainstPythonWorkerIT {
  static final String REDIS = "redis://127.0.0.1:6379/2";
  private final String queue = "pycli-" + UUID.randomUUID();
  private final String node = "py-" + UUID.randomUUID().toString().substring(0, 8) + "@mon";
  private final PythonCelery python = new PythonCelery(REDIS, REDIS, queue).workerArgs("-E");
  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available()).as("Debian python3-celery must be installed").isTrue();
  }

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    python.close();
  }

  private record Run(int exit, String out, String err) {}

  private static List<String> java(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.apium.cli.ApiumCommand");
    command.addAll(List.of(args));
    return command;
  }

  private static Run apium(String... args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(java(args)).redirectError(ProcessBuilder.Redirect.PIPE).start();
    ConcurrentLinkedQueue<String> err = new ConcurrentLinkedQueue<>();
    Thread t = LineReader.follow(p.getErrorStream(), err);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    t.join(5000);
    return new Run(p.exitValue(), out, String.join("\n", err));
  }

  @Test
  void statusInspectEventsAndShutdownOfAPythonWorker() throws Exception {
    Process worker = python.startWorker(node, 2, queue);

    Run status = apium("status", "-b", REDIS, "-d", node, "--timeout", "5");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("->  " + node + ": OK", "1 node online.");

    ConcurrentLinkedQueue<String> dumped = new ConcurrentLinkedQueue<>();
    Process dump = new ProcessBuilder(java("events", "--dump", "-b", REDIS)).start();
    processes.add(dump);
    LineReader.follow(dump.getInputStream(), dumped);
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> String.join("\n", dumped).contains("starting capture"));
    // Live once the Python worker's heartbeat (asked for by `apium events` at start) shows.
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> String.join("\n", dumped).contains(node + " ["));

    JsonNode sleeping =
        python.run(
            "r = t.sleep.apply_async((300,), queue='"
                + queue
                + "')\nadd = t.add.apply_async((2, 3), queue='"
                + queue
                + "')\nout = [r.id, add.id]");
    String sleepId = sleeping.get(0).asText();
    String addId = sleeping.get(1).asText();
    // An Apium client's task carries Celery's argsrepr/kwargsrepr headers: the Python worker
    // shows them in its task-received event (and inspect, Flower) as it does a Python client's.
    String javaAddId;
    try (Apium client = Apium.builder().withoutEnvironment().broker(REDIS).backend(REDIS).build()) {
      javaAddId =
          client
              .send("interop.add", List.of(4), Map.of("y", 5), CallOptions.create().queue(queue))
              .id();
    }

    await()
        .atMost(Duration.ofMinutes(3))
        .untilAsserted(
            () -> {
              Run active =
                  apium("inspect", "active", "--json", "-b", REDIS, "-d", node, "--timeout", "5");
              assertThat(active.exit()).as(active.err()).isZero();
              JsonNode reply = CeleryJson.parse(active.out().trim()).path(node);
              assertThat(reply.findValuesAsText("id")).contains(sleepId);
              assertThat(reply.findValuesAsText("name")).contains("interop.sleep");
            });
    Run text = apium("inspect", "registered", "-b", REDIS, "-d", node, "--timeout", "5");
    assertThat(text.out()).contains("->  " + node + ": OK", "interop.add");

    await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> {
              String all = String.join("\n", dumped);
              return all.contains("task received: interop.add(" + addId + ") args=(2, 3)")
                  && all.contains(
                      "task received: interop.add(" + javaAddId + ") args=(4,) kwargs={'y': 5}")
                  && all.contains("task succeeded: interop.add(" + addId + ")")
                  && all.contains("result=5");
            });

    Run shutdown = apium("control", "shutdown", "-b", REDIS, "-d", node);
    assertThat(shutdown.exit()).as(shutdown.err()).isZero();
    // A warm shutdown: the Python worker stops consuming and waits for its 300 s task.
    Path log = Path.of("target", "python-logs", node.replaceAll("[^A-Za-z0-9_.-]", "_") + ".log");
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> java.nio.file.Files.readString(log).contains("Got shutdown from remote"));
    worker.destroy();

    Run none = apium("inspect", "ping", "-b", REDIS, "-d", "nobody@nowhere", "--timeout", "1");
    assertThat(none.exit()).isEqualTo(69);
    assertThat(none.err()).contains("No nodes replied within time constraint");
  }
}
