package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskFailedException;
import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
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
 * Celery 5.2.6's own event consumers follow an Apium worker started with task events on: {@code
 * celery.events.state.State} fed by {@code app.events.Receiver} (what Flower runs) tracks tasks
 * through RECEIVED, STARTED and SUCCESS / FAILURE / RETRY / REVOKED and sees the worker alive, then
 * offline, a task no one registered FAILURE {@code NotRegistered}; {@code celery events --dump}
 * prints the same events. The client sends {@code task-sent} ({@code task_send_sent_event}), which
 * the same State receives. Redis db 3 and a RabbitMQ vhost.
 */
class CeleryEventsSeeApiumWorkerIT {
  static final String REDIS = "redis://127.0.0.1:6379/3";
  private static final Path SCRIPTS = Path.of("src/test/python").toAbsolutePath();
  private final String queue = "ev-" + UUID.randomUUID();
  private final String node = "apium-ev-" + UUID.randomUUID().toString().substring(0, 8) + "@mon";
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available()).as("Debian python3-celery must be installed").isTrue();
  }

  @AfterEach
  void close() throws Exception {
    processes.forEach(Process::destroyForcibly);
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void onRedis() throws Exception {
    follow(REDIS);
  }

  @Test
  void onRabbitMq() throws Exception {
    RabbitVhost vhost = new RabbitVhost();
    closing.add(vhost);
    follow(vhost.url());
  }

  /** A process whose stdout lines are collected as they come. */
  private record Watched(Process process, ConcurrentLinkedQueue<String> lines) {
    String text() {
      return String.join("\n", lines);
    }
  }

  private Watched watch(String... command) throws IOException {
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.directory(SCRIPTS.toFile());
    b.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = b.start();
    processes.add(p);
    ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    LineReader.follow(p.getInputStream(), lines);
    return new Watched(p, lines);
  }

  private void follow(String broker) throws Exception {
    Path stop = Files.createTempFile("event-state", ".stop");
    Files.delete(stop);
    Watched state = watch(PythonCelery.PYTHON, "event_state.py", broker, stop.toString());
    Watched dump = watch(PythonCelery.PYTHON, "-m", "celery", "-b", broker, "events", "--dump");
    await().atMost(Duration.ofSeconds(30)).until(() -> state.text().contains("READY"));

    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(broker)
            .backend(REDIS)
            .config("task_default_queue", queue)
            .config("worker_send_task_events", "true")
            .config("task_send_sent_event", "true")
            .build();
    closing.add(app);
    app.register("ev.add", call -> call.arg(0, int.class) + call.arg(1, int.class));
    app.register(
        "ev.fail",
        call -> {
          throw new IllegalStateException("boom");
        });
    app.register(
        "ev.retry",
        call -> {
          if (call.context().retries() == 0) {
            throw call.context()
                .retry(Duration.ofMillis(100), new IllegalArgumentException("again"));
          }
          return "second time";
        });
    Worker worker = app.worker().queues(queue).concurrency(2).nodename(node).start();
    // Both consumers are live once they have seen this worker's heartbeat.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                state.text().contains("EV worker-heartbeat " + node)
                    && dump.text().contains(node + " ["));

    AsyncResult<Object> ok = app.send("ev.add", List.of(2, 3), Map.of(), null);
    AsyncResult<Object> failing = app.send("ev.fail", List.of(), Map.of(), null);
    AsyncResult<Object> retried = app.send("ev.retry", List.of(), Map.of(), null);
    AsyncResult<Object> revoked =
        app.send(
            "ev.add",
            List.of(1, 1),
            Map.of(),
            CallOptions.create().countdown(Duration.ofSeconds(2)));
    app.control().revoke(revoked.id());
    // No worker knows this task: Celery's on_unknown_task sends task-failed NotRegistered.
    AsyncResult<Object> unknown = app.send("ev.nobody", List.of(), Map.of(), null);
    assertThat(ok.get(Duration.ofSeconds(30))).isEqualTo(5);
    assertThat(retried.get(Duration.ofSeconds(30))).isEqualTo("second time");
    try {
      failing.get(Duration.ofSeconds(30));
    } catch (TaskFailedException expected) {
      // the FAILURE is what the events must show
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                state.text().contains("EV task-revoked " + revoked.id())
                    && state.text().contains("EV task-failed " + unknown.id()));
    worker.stop(Duration.ofSeconds(10));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                state.text().contains("EV worker-offline " + node)
                    && dump.text().contains(node + " [")
                    && dump.text().contains("] shutdown:"));
    Files.createFile(stop);
    assertThat(state.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    String text = state.text();
    JsonNode seen = CeleryJson.parse(text.substring(text.lastIndexOf("@@OUT@@") + 7).trim());

    JsonNode w = seen.path("workers").path(node);
    assertThat(w.path("types").toString()).contains("worker-heartbeat", "worker-offline");
    assertThat(w.path("alive_seen").asBoolean()).as("seen alive").isTrue();
    assertThat(w.path("alive").asBoolean(true)).as("offline after shutdown").isFalse();

    JsonNode tasks = seen.path("tasks");
    assertThat(tasks.path(ok.id()).path("state").asText()).isEqualTo("SUCCESS");
    assertThat(tasks.path(ok.id()).path("name").asText()).isEqualTo("ev.add");
    assertThat(tasks.path(ok.id()).path("result").asText()).isEqualTo("5");
    // task-sent comes from the Apium client (task_send_sent_event), the rest from the worker.
    assertThat(types(tasks, ok.id()))
        .containsExactly("task-sent", "task-received", "task-started", "task-succeeded");
    assertThat(tasks.path(failing.id()).path("state").asText()).isEqualTo("FAILURE");
    assertThat(tasks.path(failing.id()).path("exception").asText()).contains("boom");
    assertThat(types(tasks, failing.id()))
        .containsExactly("task-sent", "task-received", "task-started", "task-failed");
    // The retry is sent again from inside the task, so a second task-sent sits somewhere there.
    assertThat(types(tasks, retried.id()).stream().filter(t -> !t.equals("task-sent")))
        .containsExactly(
            "task-received",
            "task-started",
            "task-retried",
            "task-received",
            "task-started",
            "task-succeeded");
    assertThat(types(tasks, retried.id())).startsWith("task-sent").contains("task-received");
    assertThat(types(tasks, retried.id()).stream().filter(t -> t.equals("task-sent"))).hasSize(2);
    assertThat(tasks.path(revoked.id()).path("state").asText()).isEqualTo("REVOKED");
    assertThat(tasks.path(unknown.id()).path("state").asText()).isEqualTo("FAILURE");
    assertThat(tasks.path(unknown.id()).path("exception").asText())
        .isEqualTo("NotRegistered('ev.nobody')");

    String dumped = dump.text();
    assertThat(dumped)
        .contains(
            "task received: ev.add(" + ok.id() + ") args=(2, 3)",
            "task succeeded: ev.add(" + ok.id() + ")",
            "result=5",
            "task failed: ev.fail(" + failing.id() + ")",
            "task retried: ev.retry(" + retried.id() + ")",
            // Celery's dump names a revoked task only if it saw it received; a revoke that
            // arrives before the message (usual here) is refused unreceived, as in Celery.
            "task revoked: ");
  }

  private static List<String> types(JsonNode tasks, String id) {
    List<String> out = new ArrayList<>();
    tasks.path(id).path("types").forEach(t -> out.add(t.asText()));
    return out;
  }
}
