package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Apium and real Celery 5.2.6 on a RabbitMQ quorum queue (a vhost per test, results in Redis db 5
 * under unique keys): declared by Apium ({@code task_default_queue_type=quorum}) or first by Celery
 * ({@code queue_arguments={'x-queue-type': 'quorum'}}), tasks flow both ways and two workers of the
 * two languages share the queue, each task running once. The Python worker gets Celery 5.5's
 * per-consumer QoS through {@code INTEROP_PER_CONSUMER_QOS} (5.2.6 has no quorum detection). A
 * quorum queue on a topic exchange ({@code Queue('celery', Exchange('tx', type='topic'),
 * routing_key='a.#')}) takes tasks from a Python client to an Apium worker.
 */
class AmqpQuorumInteropIT {
  static final String REDIS = "redis://127.0.0.1:6379/5";
  static final String QUORUM = "{\"x-queue-type\": \"quorum\"}";
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

  private Apium app(boolean quorum) {
    Apium.Builder builder = Apium.builder().withoutEnvironment().broker(vhost.url()).backend(REDIS);
    if (quorum) {
      builder.config("task_default_queue_type", "quorum");
    }
    Apium app = builder.build();
    closing.add(app);
    return app;
  }

  private PythonCelery python() {
    PythonCelery python =
        new PythonCelery(vhost.url(), REDIS, queue)
            .env("INTEROP_RECORD_URL", REDIS)
            .env("INTEROP_QUEUE_ARGUMENTS", QUORUM)
            .env("INTEROP_PER_CONSUMER_QOS", "1");
    closing.add(python);
    return python;
  }

  private String queueType() throws Exception {
    Process p =
        new ProcessBuilder(
                "rabbitmqctl",
                "list_queues",
                "-q",
                "--no-table-headers",
                "-p",
                vhost.name,
                "name",
                "type")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out.lines().filter(l -> l.startsWith(queue + "\t")).findFirst().orElse("");
  }

  @Test
  void apiumDeclaresTheQuorumQueueAndRunsTasksFromApiumAndFromPython() throws Exception {
    Apium app = app(true);
    app.register(new JavaInteropTasks(null));
    try (Worker worker = app.worker().queues(queue).concurrency(4).start()) {
      assertThat(app.send("interop.add", 2, 3).get(Duration.ofSeconds(20))).isEqualTo(5);
      JsonNode out =
          python()
              .run(
                  """
                  out = [t.add.delay(2, 3).get(timeout=20),
                         t.add.apply_async((1, 1), countdown=1).get(timeout=20),
                         t.add.apply_async((5, 5), priority=7).get(timeout=20)]
                  """);
      assertThat(out.toString()).isEqualTo("[5,2,10]");
    }
    assertThat(queueType()).isEqualTo("celery\tquorum");
  }

  @Test
  void apiumWorkerAttachesToAQuorumQueueCeleryDeclaredFirst() throws Exception {
    PythonCelery python = python();
    JsonNode ids = python.run("out = [t.add.delay(i, i).id for i in range(10)]");
    assertThat(queueType()).isEqualTo("celery\tquorum");
    Apium app = app(false); // classic by its own settings: attaches to Celery's queue as it is
    app.register(new JavaInteropTasks(null));
    try (Worker worker = app.worker().queues(queue).concurrency(4).start()) {
      JsonNode out =
          python.run(
              "out = [AsyncResult(i).get(timeout=30) for i in "
                  + ids.toString().replace("\"", "'")
                  + "]");
      assertThat(out.toString()).isEqualTo("[0,2,4,6,8,10,12,14,16,18]");
      assertThat(app.send("interop.add", 20, 1).get(Duration.ofSeconds(20))).isEqualTo(21);
    }
  }

  @Test
  void apiumClientCallsAPythonWorkerOnAQuorumQueue() throws Exception {
    python().startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    Apium app = app(true);
    assertThat(app.send("interop.add", 40, 2).get(Duration.ofSeconds(20))).isEqualTo(42);
    assertThat(app.send("interop.whoami", "x").get(Duration.ofSeconds(20)).toString())
        .contains("py");
  }

  @Test
  void pythonAndApiumWorkersShareAQuorumQueueAndRunEachTaskOnce() throws Exception {
    String key = "quorum-executions-" + UUID.randomUUID();
    python().startWorker("py-" + UUID.randomUUID() + "@%h", 2, queue);
    Apium app = app(true);
    app.register(new JavaInteropTasks(REDIS));
    List<AsyncResult<Object>> results = new ArrayList<>();
    try (Worker worker = app.worker().queues(queue).concurrency(4).start()) {
      for (int i = 0; i < 400; i++) {
        results.add(app.send("interop.record", "t" + i, key));
      }
      int java = 0;
      for (AsyncResult<Object> result : results) {
        if ("java".equals(result.get(Duration.ofSeconds(60)))) {
          java++;
        }
      }
      assertThat(java).isBetween(1, 399);
    }
    RedisClient client = RedisClient.create(REDIS);
    try (StatefulRedisConnection<String, String> redis = client.connect()) {
      List<String> executions = redis.sync().lrange(key, 0, -1);
      HashSet<String> tags = new HashSet<>();
      executions.forEach(e -> tags.add(e.substring(e.indexOf(':') + 1)));
      assertThat(tags).hasSize(400);
      assertThat(executions).hasSize(400);
      redis.sync().del(key);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void pythonClientSendsThroughATopicExchangeToAnApiumWorker() throws Exception {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(vhost.url())
            .backend(REDIS)
            .config("task_queues.celery.exchange", "tx")
            .config("task_queues.celery.exchange_type", "topic")
            .config("task_queues.celery.routing_key", "a.#")
            .config("task_queues.celery.queue_arguments", QUORUM)
            .build();
    closing.add(app);
    app.register(new JavaInteropTasks(null));
    try (Worker worker = app.worker().queues(queue).concurrency(2).start()) {
      JsonNode out =
          python()
              .env("INTEROP_EXCHANGE", "tx")
              .env("INTEROP_EXCHANGE_TYPE", "topic")
              .env("INTEROP_ROUTING_KEY", "a.#")
              .run(
                  """
                  out = [t.whoami.delay('topic').get(timeout=20)['worker'],
                         t.add.apply_async((1, 2), countdown=1).get(timeout=20)]
                  """);
      assertThat(out.toString()).isEqualTo("[\"java\",3]");
      assertThat(app.send("interop.add", 4, 4).get(Duration.ofSeconds(20))).isEqualTo(8);
    }
    Process p =
        new ProcessBuilder(
                "rabbitmqctl",
                "list_bindings",
                "-q",
                "--no-table-headers",
                "-p",
                vhost.name,
                "source_name",
                "destination_name",
                "routing_key")
            .redirectErrorStream(true)
            .start();
    String bindings = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    assertThat(bindings).contains("tx\tcelery\ta.#");
  }

  @Test
  void celery526ClientReadsTheTimezoneAwareDateDone() throws Exception {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(vhost.url())
            .backend(REDIS)
            .config("timezone", "Europe/Paris")
            .build();
    closing.add(app);
    String id = UUID.randomUUID().toString();
    java.time.Instant done = java.time.Instant.parse("2026-12-04T15:11:56.431910Z");
    app.backend()
        .store(
            app.resultDates()
                .apply(
                    dev.apium.protocol.ResultMeta.success(
                        id, dev.apium.protocol.CeleryJson.toTree(5), done),
                    done));
    JsonNode out =
        python()
            .run(
                "r = AsyncResult('"
                    + id
                    + "')\n"
                    + "out = [r.result, r.date_done.isoformat(), str(r.date_done.utcoffset())]");
    assertThat(out.toString()).isEqualTo("[5,\"2026-12-04T16:11:56.431910+01:00\",\"1:00:00\"]");
    app.backend().forget(id);
  }
}
