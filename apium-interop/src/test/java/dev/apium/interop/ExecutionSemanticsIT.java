package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskOptions;
import dev.apium.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retries and remote control between Apium and real Python Celery 5.2.6 over Redis db 15: a Python
 * client sees the final state of a retried Java task, Python's {@code app.control} pings and
 * revokes Apium workers, and Apium's control pings and revokes Python workers.
 */
class ExecutionSemanticsIT {
  static final String REDIS = "redis://127.0.0.1:6379/15";

  @BeforeAll
  static void check() {
    Assumptions.assumeTrue(PythonCelery.available(), "python3 with celery is not installed");
  }

  private static Apium app(String queue) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(REDIS)
        .backend(REDIS)
        .config("task_default_queue", queue)
        .build();
  }

  private static String queue(String stem) {
    return stem + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void pythonClientSeesTheFinalStateOfRetriedJavaTasks() throws Exception {
    String queue = queue("retry");
    AtomicInteger failingRuns = new AtomicInteger();
    try (Apium app = app(queue)) {
      app.register(
          "interop.jretry",
          call -> {
            int until = call.arg(0, Integer.class);
            if (call.context().retries() < until) {
              throw call.context().retry(Duration.ofMillis(200), new IOException("not yet"));
            }
            return call.context().retries();
          });
      app.register(
          "interop.jretry_fail",
          TaskOptions.DEFAULTS
              .withAutoretryFor(List.of(IOException.class))
              .withMaxRetries(2)
              .withRetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), false),
          call -> {
            failingRuns.incrementAndGet();
            throw new IOException("always");
          });
      try (Worker worker = app.worker().queues(queue).concurrency(2).start();
          PythonCelery python = new PythonCelery(REDIS, REDIS, queue)) {
        JsonNode out =
            python.run(
                String.join(
                    "\n",
                    "r = app.send_task('interop.jretry', args=[2])",
                    "f = app.send_task('interop.jretry_fail')",
                    "value = r.get(timeout=30)",
                    "f.get(timeout=30, propagate=False)",
                    "out = {'value': value, 'state': r.state, 'fstate': f.state,",
                    "       'ftype': type(f.result).__name__, 'fmsg': str(f.result)}"));
        assertThat(out.get("value").asInt()).isEqualTo(2);
        assertThat(out.get("state").asText()).isEqualTo("SUCCESS");
        assertThat(out.get("fstate").asText()).isEqualTo("FAILURE");
        assertThat(out.get("ftype").asText()).isEqualTo("IOException");
        assertThat(out.get("fmsg").asText()).isEqualTo("always");
        assertThat(failingRuns).hasValue(3);
      }
    }
  }

  @Test
  void javaClientSeesTheFinalStateOfARetriedPythonTask() throws Exception {
    String queue = queue("pyretry");
    try (Apium app = app(queue);
        PythonCelery python = new PythonCelery(REDIS, REDIS, queue)) {
      python.startWorker("pyretry@" + queue, 1, queue);
      AsyncResult<Object> r = app.send("interop.retrying", 2);
      assertThat(r.get(Duration.ofSeconds(30))).isEqualTo(2);
    }
  }

  @Test
  void pythonControlPingsAndRevokesApiumWorkers() throws Exception {
    String queue = queue("pyctl");
    String node = "java@" + queue;
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger countRuns = new AtomicInteger();
    try (Apium app = app(queue)) {
      app.register("interop.count", call -> countRuns.incrementAndGet());
      app.register(
          "interop.long",
          call -> {
            started.countDown();
            Thread.sleep(60_000);
            return "finished";
          });
      try (Worker worker = app.worker().queues(queue).nodename(node).concurrency(2).start();
          PythonCelery python = new PythonCelery(REDIS, REDIS, queue)) {
        String revokedId = UUID.randomUUID().toString();
        JsonNode out =
            python.run(
                String.join(
                    "\n",
                    "pong = app.control.ping(destination=['" + node + "'], timeout=5)",
                    "rev = app.control.revoke('" + revokedId + "', destination=['" + node + "'],",
                    "                         reply=True, timeout=5)",
                    "out = {'pong': pong, 'revoke': rev}"));
        assertThat(out.get("pong").toString()).isEqualTo("[{\"" + node + "\":{\"ok\":\"pong\"}}]");
        assertThat(out.get("revoke").get(0).get(node).get("ok").asText())
            .isEqualTo("tasks " + revokedId + " flagged as revoked");
        app.send("interop.count", List.of(), Map.of(), CallOptions.create().taskId(revokedId));
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> "REVOKED".equals(app.result(revokedId).state()));

        AsyncResult<Object> running = app.send("interop.long");
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        JsonNode terminated =
            python.run(
                String.join(
                    "\n",
                    "app.control.revoke('" + running.id() + "', terminate=True)",
                    "r = AsyncResult('" + running.id() + "', app=app)",
                    "r.get(timeout=20, propagate=False)",
                    "out = {'state': r.state, 'result': str(r.result)}"));
        assertThat(terminated.get("state").asText()).isEqualTo("REVOKED");
        assertThat(terminated.get("result").asText()).contains("terminated");
        assertThat(countRuns).hasValue(0);
      }
    }
  }

  @Test
  void apiumControlPingsAndRevokesPythonWorkers() throws Exception {
    String queue = queue("javactl");
    String node = "py@" + queue;
    try (Apium app = app(queue);
        PythonCelery python = new PythonCelery(REDIS, REDIS, queue)) {
      python.startWorker(node, 1, queue);
      Map<String, JsonNode> pong =
          app.control().broadcast("ping", Map.of(), List.of(node), Duration.ofSeconds(10));
      assertThat(pong.get(node).toString()).isEqualTo("{\"ok\":\"pong\"}");
      String id = UUID.randomUUID().toString();
      Map<String, Object> args = Map.of("task_id", id, "terminate", false, "signal", "SIGTERM");
      Map<String, JsonNode> replies =
          app.control().broadcast("revoke", args, List.of(node), Duration.ofSeconds(10));
      assertThat(replies.get(node).get("ok").asText())
          .isEqualTo("tasks " + id + " flagged as revoked");
      AsyncResult<Object> r =
          app.send("interop.add", List.of(1, 2), Map.of(), CallOptions.create().taskId(id));
      await().atMost(Duration.ofSeconds(20)).until(() -> "REVOKED".equals(r.state()));
      assertThat(app.send("interop.add", 2, 3).get(Duration.ofSeconds(20))).isEqualTo(5);
    }
  }
}
