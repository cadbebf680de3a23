package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskFailedException;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Apium and real Celery 5.2.6 on one RabbitMQ (a vhost per test), results over rpc:// and over a
 * Redis backend, a mixed queue, and a worker killed mid-batch.
 */
class AmqpInteropIT {
  static final String REDIS = "redis://127.0.0.1:6379/14";
  private RabbitVhost vhost;
  private final String queue = "celery";
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available())
        .as("Debian python3-celery must be installed: run bin/test, which installs it")
        .isTrue();
  }

  @BeforeEach
  void vhost() throws Exception {
    vhost = new RabbitVhost();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    vhost.close();
  }

  private Apium app(String backend) {
    Apium app = Apium.builder().withoutEnvironment().broker(vhost.url()).backend(backend).build();
    closing.add(app);
    return app;
  }

  private PythonCelery python(String backend) {
    PythonCelery python =
        new PythonCelery(vhost.url(), backend, queue).env("INTEROP_RECORD_URL", REDIS);
    closing.add(python);
    return python;
  }

  private static final String PYTHON_CALLS =
      """
      import datetime
      now = lambda: datetime.datetime.now(datetime.timezone.utc)
      r = {}
      r['delay'] = t.add.delay(2, 3).get(timeout=20)
      r['kwargs'] = t.add.apply_async(kwargs={'x': 40, 'y': 2}).get(timeout=20)
      r['countdown'] = t.add.apply_async((1, 1), countdown=1).get(timeout=20)
      r['eta'] = t.headers.apply_async(eta=now() + datetime.timedelta(seconds=1), headers={'custom': 'hdr'}).get(timeout=20)
      r['priority'] = t.add.apply_async((5, 5), priority=7).get(timeout=20)
      try:
          t.fail.delay('boom').get(timeout=20)
          r['fail'] = 'no error'
      except Exception as e:
          r['fail'] = [type(e).__name__, str(e)]
      try:
          t.add.apply_async((1, 2), expires=now() + datetime.timedelta(seconds=30)).get(timeout=20)
          r['expires_ok'] = True
      except Exception as e:
          r['expires_ok'] = str(e)
      out = r
      """;

  private static void assertPythonCalls(JsonNode out) {
    assertThat(out.get("delay").asInt()).isEqualTo(5);
    assertThat(out.get("kwargs").asInt()).isEqualTo(42);
    assertThat(out.get("countdown").asInt()).isEqualTo(2);
    assertThat(out.get("eta").get("custom").asText()).isEqualTo("hdr");
    assertThat(out.get("priority").asInt()).isEqualTo(10);
    assertThat(out.get("fail").toString()).isEqualTo("[\"ValueError\",\"boom\"]");
    assertThat(out.get("expires_ok").asBoolean()).isTrue();
  }

  @Test
  void pythonClientToApiumWorkerWithRpcResults() throws Exception {
    Apium app = app("rpc://");
    app.register(new JavaInteropTasks(null));
    try (Worker worker = app.worker().queues(queue).concurrency(4).start()) {
      assertPythonCalls(python("rpc://").run(PYTHON_CALLS));
    }
  }

  @Test
  void pythonClientToApiumWorkerWithRedisResults() throws Exception {
    Apium app = app(REDIS);
    app.register(new JavaInteropTasks(null));
    try (Worker worker = app.worker().queues(queue).concurrency(4).start()) {
      assertPythonCalls(python(REDIS).run(PYTHON_CALLS));
    }
  }

  private static void javaCalls(Apium app) {
    Duration wait = Duration.ofSeconds(20);
    assertThat(app.send("interop.add", 2, 3).get(wait)).isEqualTo(5);
    assertThat(app.send("interop.add", List.of(), Map.of("x", 40, "y", 2), null).get(wait))
        .isEqualTo(42);
    assertThat(
            app.send(
                    "interop.add",
                    List.of(1, 1),
                    Map.of(),
                    CallOptions.create().countdown(Duration.ofSeconds(1)).priority(3))
                .get(wait))
        .isEqualTo(2);
    assertThat(
            app.send(
                    "interop.headers",
                    List.of(),
                    Map.of(),
                    CallOptions.create()
                        .eta(Instant.now().plusSeconds(1))
                        .expires(Duration.ofSeconds(60))
                        .header("custom", "hdr"))
                .get(wait)
                .toString())
        .contains("custom=hdr");
    AsyncResult<Object> failing = app.send("interop.fail", "boom");
    assertThatThrownBy(() -> failing.get(wait))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("ValueError");
              assertThat(e.remoteMessage()).isEqualTo("boom");
            });
    assertThat(app.send("interop.types", "str").get(wait)).isEqualTo("héllo ✓");
    assertThat(app.send("interop.types", "list").get(wait))
        .isEqualTo(java.util.Arrays.asList(1, "two", 3.0, null));
    assertThat(app.send("interop.types", "none").get(wait)).isNull();
  }

  @Test
  void apiumClientToPythonWorkerWithRpcResults() throws Exception {
    python("rpc://").startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    javaCalls(app("rpc://"));
  }

  @Test
  void apiumClientToPythonWorkerWithRedisResults() throws Exception {
    python(REDIS).startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    javaCalls(app(REDIS));
  }

  @Test
  void pythonAndApiumWorkersShareAQueueAndRunEachTaskOnce() throws Exception {
    String key = "amqp-executions-" + UUID.randomUUID();
    python(REDIS).startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    Apium app = app(REDIS);
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
      assertThat(java).isBetween(1, 1999);
    }
    assertExecutedOnce(key, 2000, 2000);
  }

  @Test
  void tasksOfAKilledWorkerAreRedelivered() throws Exception {
    String key = "amqp-crash-" + UUID.randomUUID();
    Process child =
        WorkerProcess.start(
            "amqp-crash-" + vhost.name,
            List.of(),
            "-A",
            RecordingTasks.class.getName(),
            "-b",
            vhost.url(),
            "--backend",
            REDIS,
            "-c",
            "2");
    try {
      Apium app = app(REDIS);
      List<AsyncResult<Object>> results = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        results.add(app.signature("crash.slow", "t" + i, key, 300L).delay());
      }
      RedisClient client = RedisClient.create(RecordingTasks.REDIS);
      try (StatefulRedisConnection<String, String> redis = client.connect()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> redis.sync().llen(key) >= 2);
      } finally {
        client.shutdown();
      }
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      app.register(new RecordingTasks());
      try (Worker rescuer = app.worker().concurrency(4).start()) {
        for (AsyncResult<Object> result : results) {
          assertThat(result.get(Duration.ofSeconds(60))).asString().startsWith("t");
        }
      }
    } finally {
      child.destroyForcibly();
    }
    assertExecutedOnce(key, 20, 22);
  }

  private static void assertExecutedOnce(String key, int distinct, int atMost) {
    String url = key.startsWith("amqp-crash") ? RecordingTasks.REDIS : REDIS;
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> redis = client.connect()) {
      List<String> executions = redis.sync().lrange(key, 0, -1);
      HashSet<String> tags = new HashSet<>();
      executions.forEach(e -> tags.add(e.substring(e.indexOf(':') + 1)));
      assertThat(tags).hasSize(distinct);
      assertThat(executions.size()).isBetween(distinct, atMost);
      redis.sync().del(key);
    } finally {
      client.shutdown();
    }
  }
}
