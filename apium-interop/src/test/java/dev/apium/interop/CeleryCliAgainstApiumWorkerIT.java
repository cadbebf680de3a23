package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Celery 5.2.6's own {@code celery inspect}, {@code celery control} and {@code celery status} see
 * and steer an Apium worker, on Redis (db 2) and on RabbitMQ (a vhost of its own): every inspect
 * command answers in Celery's shape, every control command does what it says and prints Celery's
 * text, and {@code control shutdown} stops the worker.
 */
class CeleryCliAgainstApiumWorkerIT {
  static final String REDIS = "redis://127.0.0.1:6379/2";
  private final String queue = "mon-" + UUID.randomUUID();
  private final String node = "apium-" + UUID.randomUUID().toString().substring(0, 8) + "@mon";
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<AutoCloseable> closing = new ArrayList<>();

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available()).as("Debian python3-celery must be installed").isTrue();
  }

  @AfterEach
  void close() throws Exception {
    release.countDown();
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void onRedis() throws Exception {
    everyCommand(REDIS, REDIS, "redis");
  }

  @Test
  void onRabbitMq() throws Exception {
    RabbitVhost vhost = new RabbitVhost();
    closing.add(vhost);
    everyCommand(vhost.url(), REDIS, "amqp");
  }

  private void everyCommand(String broker, String backend, String transport) throws Exception {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(broker)
            .backend(backend)
            .config("task_default_queue", queue)
            .build();
    closing.add(app);
    app.register("mon.add", call -> call.arg(0, int.class) + call.arg(1, int.class));
    app.register(
        "mon.block",
        call -> {
          release.await(60, TimeUnit.SECONDS);
          return "released";
        });
    Worker worker = app.worker().queues(queue).concurrency(1).nodename(node).start();
    closing.add(worker);
    CeleryCli celery = new CeleryCli(broker);

    assertThat(celery.inspect(node, "ping").path("ok").asText()).isEqualTo("pong");

    AsyncResult<Object> running = app.send("mon.block", List.of(), Map.of(), null);
    AsyncResult<Object> waiting = app.send("mon.add", List.of(1, 2), Map.of(), null);
    AsyncResult<Object> later =
        app.send(
            "mon.add",
            List.of(3, 4),
            Map.of(),
            CallOptions.create().countdown(Duration.ofMinutes(5)));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> worker.active() == 1 && worker.scheduled() == 1);

    JsonNode active = celery.inspect(node, "active");
    assertThat(active).hasSize(1);
    assertThat(active.get(0).path("id").asText()).isEqualTo(running.id());
    assertThat(active.get(0).path("name").asText()).isEqualTo("mon.block");
    assertThat(active.get(0).path("hostname").asText()).isEqualTo(node);
    assertThat(active.get(0).path("time_start").isNumber()).isTrue();
    assertThat(active.get(0).path("delivery_info").path("routing_key").asText()).isEqualTo(queue);

    JsonNode reserved = celery.inspect(node, "reserved");
    assertThat(reserved.findValuesAsText("id")).containsExactly(waiting.id());
    JsonNode scheduled = celery.inspect(node, "scheduled");
    assertThat(scheduled).hasSize(1);
    assertThat(scheduled.get(0).path("eta").asText()).endsWith("+00:00");
    assertThat(scheduled.get(0).path("request").path("id").asText()).isEqualTo(later.id());
    assertThat(scheduled.get(0).path("request").path("args").toString()).isEqualTo("[3,4]");

    JsonNode query = celery.inspect(node, "query_task", running.id(), waiting.id());
    assertThat(query.path(running.id()).get(0).asText()).isEqualTo("active");
    assertThat(query.path(waiting.id()).get(0).asText()).isEqualTo("reserved");

    assertThat(celery.inspect(node, "registered").toString())
        .contains("\"mon.add\"", "\"mon.block\"");
    JsonNode stats = celery.inspect(node, "stats");
    assertThat(stats.path("total").path("mon.block").asInt()).isEqualTo(1);
    assertThat(stats.path("pool").path("max-concurrency").asInt()).isEqualTo(1);
    assertThat(stats.path("broker").path("transport").asText()).isEqualTo(transport);
    assertThat(stats.path("prefetch_count").asInt()).isEqualTo(4);
    assertThat(stats.path("rusage").path("utime").isNumber()).isTrue();
    assertThat(stats.path("uptime").isNumber()).isTrue();
    assertThat(celery.inspect(node, "active_queues").findValuesAsText("name")).contains(queue);
    assertThat(celery.inspect(node, "conf").path("task_default_queue").asText()).isEqualTo(queue);
    assertThat(celery.inspect(node, "report").path("ok").asText()).contains("software -> apium");
    assertThat(celery.inspect(node, "clock").path("clock").asLong()).isPositive();

    assertThat(celery.control(node, "revoke", later.id()).out())
        .contains(node + ": OK", "tasks " + later.id() + " flagged as revoked");
    assertThat(celery.inspect(node, "revoked").toString()).contains(later.id());

    assertThat(celery.control(node, "time_limit", "mon.add", "10", "5").out())
        .contains("time limits set successfully");
    assertThat(celery.control(node, "time_limit", "nope", "10").out()).contains("unknown task");
    assertThat(celery.control(node, "rate_limit", "mon.add", "100/s").out())
        .contains("new rate limit set successfully");

    // The running task holds the only thread: grow the pool so queued tasks can run.
    assertThat(celery.control(node, "pool_grow", "1").out()).contains("pool will grow");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.poolSize() == 2);
    assertThat(waiting.get(Duration.ofSeconds(30))).isEqualTo(3);
    String extra = queue + "-extra";
    assertThat(celery.control(node, "add_consumer", extra).out()).contains("add consumer " + extra);
    assertThat(celery.inspect(node, "active_queues").findValuesAsText("name"))
        .contains(queue, extra);
    assertThat(
            app.send("mon.add", List.of(20, 22), Map.of(), CallOptions.create().queue(extra))
                .get(Duration.ofSeconds(30)))
        .isEqualTo(42);
    assertThat(celery.control(node, "cancel_consumer", extra).out())
        .contains("no longer consuming from " + extra);
    assertThat(celery.inspect(node, "active_queues").findValuesAsText("name"))
        .doesNotContain(extra);

    assertThat(celery.control(node, "pool_shrink", "1").out()).contains("pool will shrink");
    assertThat(worker.poolSize()).isEqualTo(1);
    CeleryCli.Run autoscale = celery.control(node, "autoscale", "4", "2");
    assertThat(autoscale.out()).contains(node + ": ERROR", "Autoscale not enabled");
    // A worker started with autoscale takes new bounds from Celery's CLI at run time.
    String scaledNode = "scaled-" + node;
    Worker scaled =
        app.worker().queues(queue + "-scaled").autoscale(3, 1).nodename(scaledNode).start();
    closing.add(scaled);
    assertThat(scaled.poolSize()).isEqualTo(1);
    assertThat(celery.control(scaledNode, "autoscale", "5", "2").out())
        .contains(scaledNode + ": OK", "autoscale now max=5 min=2");
    assertThat(scaled.poolSize()).as("min 2 grows the pool at once").isEqualTo(2);
    scaled.stop(Duration.ofSeconds(10));

    assertThat(celery.control(node, "enable_events").out()).contains("task events enabled");
    assertThat(celery.control(node, "enable_events").out()).contains("task events already enabled");
    assertThat(celery.control(node, "disable_events").out()).contains("task events disabled");
    assertThat(celery.control(node, "heartbeat").out()).contains(node + ": OK");

    CeleryCli.Run status = celery.run("status", "--timeout", "3");
    assertThat(status.out()).contains(node + ": OK").containsPattern("\\d+ nodes? online\\.");

    release.countDown();
    assertThat(running.get(Duration.ofSeconds(30))).isEqualTo("released");
    celery.control(node, "shutdown");
    await().atMost(Duration.ofSeconds(30)).until(() -> !worker.isRunning());
    worker.awaitStop();
  }
}
