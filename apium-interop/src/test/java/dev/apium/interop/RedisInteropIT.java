package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskFailedException;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Apium and real Celery 5.2.6 on one Redis, both directions, plus a mixed queue and celery-node.
 * Each test uses its own queue on db 12.
 */
class RedisInteropIT {
  static final String REDIS = "redis://127.0.0.1:6379/12";
  private final String queue = "interop-" + UUID.randomUUID();
  private final Apium app =
      Apium.builder()
          .withoutEnvironment()
          .broker(REDIS)
          .backend(REDIS)
          .config("task_default_queue", queue)
          .build();
  private final PythonCelery python =
      new PythonCelery(REDIS, REDIS, queue).env("INTEROP_RECORD_URL", REDIS);

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available())
        .as("Debian python3-celery must be installed: run bin/test, which installs it")
        .isTrue();
  }

  @AfterEach
  void stop() {
    python.close();
    app.close();
  }

  @Test
  void pythonClientRunsTasksOnAnApiumWorker() throws Exception {
    app.register(new JavaInteropTasks(null));
    try (Worker worker = app.worker().queues(queue).concurrency(4).start()) {
      JsonNode out =
          python.run(
              """
              import datetime
              q = '%s'
              now = lambda: datetime.datetime.now(datetime.timezone.utc)
              r = {}
              r['delay'] = t.add.apply_async((2, 3), queue=q).get(timeout=20)
              r['kwargs'] = t.add.apply_async(kwargs={'x': 40, 'y': 2}, queue=q).get(timeout=20)
              sent = now()
              r['countdown'] = t.add.apply_async((1, 1), countdown=1, queue=q).get(timeout=20)
              r['countdown_waited'] = (now() - sent).total_seconds()
              r['eta'] = t.headers.apply_async(eta=now() + datetime.timedelta(seconds=1), queue=q).get(timeout=20)
              past = now() - datetime.timedelta(seconds=5)
              try:
                  t.add.apply_async((1, 2), expires=past, queue=q).get(timeout=20)
                  r['expired'] = 'ran'
              except Exception as e:
                  r['expired'] = [type(e).__name__, str(e)]
              r['priority'] = t.add.apply_async((5, 5), priority=9, queue=q).get(timeout=20)
              r['custom'] = t.headers.apply_async(headers={'custom': 'hdr'}, queue=q).get(timeout=20)
              try:
                  t.fail.apply_async(('boom',), queue=q).get(timeout=20)
                  r['fail'] = 'no error'
              except Exception as e:
                  r['fail'] = [type(e).__name__, type(e).__module__, str(e)]
              try:
                  app.send_task('interop.jfail', ('kaput',), queue=q).get(timeout=20)
                  r['jfail'] = 'no error'
              except Exception as e:
                  r['jfail'] = [type(e).__name__, str(e)]
              rid = t.add.apply_async((7, 8), queue=q).id
              r['by_id'] = AsyncResult(rid, app=app).get(timeout=20)
              r['by_id_state'] = AsyncResult(rid, app=app).state
              out = r
              """
                  .formatted(queue));
      assertThat(out.get("delay").asInt()).isEqualTo(5);
      assertThat(out.get("kwargs").asInt()).isEqualTo(42);
      assertThat(out.get("countdown").asInt()).isEqualTo(2);
      assertThat(out.get("countdown_waited").asDouble()).isGreaterThanOrEqualTo(0.9);
      assertThat(out.get("eta").get("eta").asText()).endsWith("Z");
      assertThat(out.get("expired").toString()).isEqualTo("[\"TaskRevokedError\",\"expired\"]");
      assertThat(out.get("priority").asInt()).isEqualTo(10);
      assertThat(out.get("custom").get("custom").asText()).isEqualTo("hdr");
      assertThat(out.get("fail").toString()).isEqualTo("[\"ValueError\",\"builtins\",\"boom\"]");
      assertThat(out.get("jfail").toString()).isEqualTo("[\"IllegalStateException\",\"kaput\"]");
      assertThat(out.get("by_id").asInt()).isEqualTo(15);
      assertThat(out.get("by_id_state").asText()).isEqualTo("SUCCESS");
    }
  }

  @Test
  void apiumClientRunsTasksOnAPythonWorker() throws Exception {
    python.startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    Duration wait = Duration.ofSeconds(20);
    assertThat(app.send("interop.add", 2, 3).get(wait)).isEqualTo(5);
    assertThat(app.send("interop.add", List.of(), Map.of("x", 40, "y", 2), null).get(wait))
        .isEqualTo(42);
    Instant sent = Instant.now();
    assertThat(
            app.send(
                    "interop.add",
                    List.of(1, 1),
                    Map.of(),
                    CallOptions.create().countdown(Duration.ofSeconds(1)))
                .get(wait))
        .isEqualTo(2);
    assertThat(Duration.between(sent, Instant.now()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(900));
    Object eta =
        app.send(
                "interop.headers",
                List.of(),
                Map.of(),
                CallOptions.create().eta(Instant.now().plusSeconds(1)).header("custom", "hdr"))
            .get(wait);
    assertThat(eta.toString()).contains("custom=hdr").contains("+00:00");
    AsyncResult<Object> expired =
        app.send(
            "interop.add",
            List.of(1, 2),
            Map.of(),
            CallOptions.create().expires(Instant.now().minusSeconds(5)));
    assertThatThrownBy(() -> expired.get(wait))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("TaskRevokedError");
              assertThat(e.state()).isEqualTo("REVOKED");
            });
    assertThat(
            app.send("interop.add", List.of(4, 4), Map.of(), CallOptions.create().priority(9))
                .get(wait))
        .isEqualTo(8);
    AsyncResult<Object> failing = app.send("interop.fail", "boom");
    assertThatThrownBy(() -> failing.get(wait))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("ValueError");
              assertThat(e.module()).isEqualTo("builtins");
              assertThat(e.remoteMessage()).isEqualTo("boom");
              assertThat(e.remoteTraceback()).contains("Traceback").contains("ValueError: boom");
            });
    assertThat(app.send("interop.types", "int").get(wait)).isEqualTo(42);
    assertThat(app.result(app.send("interop.types", "big").id(), Long.class).get(wait))
        .isEqualTo(9_007_199_254_740_993L);
    assertThat(app.send("interop.types", "float").get(wait)).isEqualTo(2.5);
    assertThat(app.send("interop.types", "str").get(wait)).isEqualTo("héllo ✓");
    assertThat(app.send("interop.types", "bool").get(wait)).isEqualTo(true);
    assertThat(app.send("interop.types", "none").get(wait)).isNull();
    assertThat(app.send("interop.types", "list").get(wait))
        .isEqualTo(java.util.Arrays.asList(1, "two", 3.0, null));
    assertThat(app.send("interop.types", "dict").get(wait))
        .isEqualTo(Map.of("a", 1, "b", List.of(true, false)));
  }

  @Test
  void pythonAndApiumWorkersShareAQueueAndRunEachTaskOnce() throws Exception {
    String key = "interop-executions-" + UUID.randomUUID();
    python.startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    app.register(new JavaInteropTasks(REDIS));
    List<AsyncResult<Object>> results = new ArrayList<>();
    try (Worker worker = app.worker().queues(queue).concurrency(4).start()) {
      for (int i = 0; i < 2000; i++) {
        results.add(app.send("interop.record", "t" + i, key));
      }
      int java = 0;
      for (AsyncResult<Object> result : results) {
        if ("java".equals(result.get(Duration.ofSeconds(60)))) {
          java++;
        }
      }
      assertThat(java).as("tasks run by the Apium worker").isBetween(1, 1999);
    }
    RedisClient client = RedisClient.create(REDIS);
    try (StatefulRedisConnection<String, String> redis = client.connect()) {
      List<String> executions = redis.sync().lrange(key, 0, -1);
      Set<String> tags = new HashSet<>();
      for (String entry : executions) {
        tags.add(entry.substring(entry.indexOf(':') + 1));
      }
      assertThat(executions).hasSize(2000);
      assertThat(tags).hasSize(2000);
      assertThat(executions)
          .anyMatch(e -> e.startsWith("py:"))
          .anyMatch(e -> e.startsWith("java:"));
      redis.sync().del(key);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void celeryNodeClientRunsATaskOnAnApiumWorker() throws Exception {
    app.register(new JavaInteropTasks(null));
    Path node = Path.of("node").toAbsolutePath();
    assertThat(node.resolve("node_modules/celery-node"))
        .as(
            "celery-node must be installed: run bin/test, which runs npm install in apium-interop/node")
        .exists();
    try (Worker worker = app.worker().queues(queue).concurrency(2).start()) {
      Process process =
          new ProcessBuilder("node", "send_task.js", REDIS, REDIS, queue, "interop.add", "[20, 22]")
              .directory(node.toFile())
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      JsonNode out =
          dev.apium.protocol.CeleryJson.parse(
              output.substring(output.indexOf("@@OUT@@") + 7).trim());
      assertThat(out.get("result").asInt()).isEqualTo(42);
      assertThat(app.result(out.get("id").asText()).get(Duration.ofSeconds(5))).isEqualTo(42);
    }
  }
}
