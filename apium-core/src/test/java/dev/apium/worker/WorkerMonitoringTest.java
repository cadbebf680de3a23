package dev.apium.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.TaskOptions;
import dev.apium.protocol.CeleryJson;
import dev.apium.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker seen through Celery's monitoring contract on the memory broker: {@code task-failed} for
 * an unregistered task and {@code task-rejected} for a task given back, as Celery sends them; the
 * {@code autoscale} command changing the pool's bounds at run time; the Java inspect API.
 */
class WorkerMonitoringTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final String url = "memory://" + UUID.randomUUID();
  private final String node = "mon-" + UUID.randomUUID().toString().substring(0, 8) + "@test";
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final Apium app =
      Apium.builder()
          .withoutEnvironment()
          .broker(url)
          .backend(url)
          .config("worker_send_task_events", "true")
          .build();

  @AfterEach
  void close() {
    subscriptions.forEach(Subscription::close);
    app.close();
  }

  /** Every task event sent from now on, unpacked from the {@code task.multi} batches. */
  private List<JsonNode> taskEvents() {
    List<JsonNode> got = new CopyOnWriteArrayList<>();
    subscriptions.add(
        app.broker()
            .subscribeFanout(
                "celeryev", "task.multi", m -> CeleryJson.parse(m.bodyText()).forEach(got::add)));
    return got;
  }

  private static JsonNode find(List<JsonNode> events, String type, String id) {
    return events.stream()
        .filter(e -> e.path("type").asText().equals(type) && e.path("uuid").asText().equals(id))
        .findFirst()
        .orElse(null);
  }

  private static List<String> keys(JsonNode event) {
    List<String> out = new ArrayList<>();
    event.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void anUnregisteredTaskIsReportedFailedNotRegisteredAsCeleryDoes() {
    List<JsonNode> events = taskEvents();
    app.register("mon.known", call -> "ok");
    try (Worker worker = app.worker().concurrency(1).nodename(node).start()) {
      AsyncResult<Object> unknown = app.send("mon.nobody", List.of(1), Map.of(), null);
      await().atMost(WAIT).until(() -> find(events, "task-failed", unknown.id()) != null);
      JsonNode failed = find(events, "task-failed", unknown.id());
      // Celery's on_unknown_task: uuid and exception only, no traceback.
      assertThat(keys(failed))
          .containsExactly(
              "hostname", "utcoffset", "pid", "clock", "uuid", "exception", "timestamp", "type");
      assertThat(failed.path("exception").asText()).isEqualTo("NotRegistered('mon.nobody')");
      assertThat(failed.path("hostname").asText()).isEqualTo(node);
    }
  }

  @Test
  void anAcksLateTaskGivenBackAtColdShutdownIsReportedRejected() throws Exception {
    List<JsonNode> events = taskEvents();
    CountDownLatch running = new CountDownLatch(1);
    app.register(
        "mon.block",
        TaskOptions.DEFAULTS.withAcksLate(true),
        call -> {
          running.countDown();
          return new CountDownLatch(1).await(30, TimeUnit.SECONDS);
        });
    Worker worker = app.worker().concurrency(1).nodename(node).start();
    AsyncResult<Object> blocked = app.send("mon.block", List.of(), Map.of(), null);
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    worker.stopNow();
    await().atMost(WAIT).until(() -> find(events, "task-rejected", blocked.id()) != null);
    JsonNode rejected = find(events, "task-rejected", blocked.id());
    assertThat(keys(rejected))
        .containsExactly(
            "hostname", "utcoffset", "pid", "clock", "uuid", "requeue", "timestamp", "type");
    assertThat(rejected.path("requeue").asBoolean()).isTrue();
    assertThat(find(events, "task-failed", blocked.id())).isNull();
  }

  @Test
  void autoscaleChangesTheBoundsOfARunningWorker() {
    try (Worker worker =
        app.worker().autoscale(4, 1, Duration.ofSeconds(30)).nodename(node).start()) {
      assertThat(worker.poolSize()).isEqualTo(1);
      Map<String, JsonNode> reply = app.control().autoscale(6, 3, List.of(node), WAIT);
      assertThat(reply.get(node).path("ok").asText()).isEqualTo("autoscale now max=6 min=3");
      // A min above the pool's size grows it at once, as Celery's Autoscaler.update.
      assertThat(worker.poolSize()).isEqualTo(3);
      reply = app.control().autoscale(2, 2, List.of(node), WAIT);
      assertThat(reply.get(node).path("ok").asText()).isEqualTo("autoscale now max=2 min=2");
      assertThat(worker.poolSize()).isEqualTo(2);
      reply = app.control().autoscale(1, 3, List.of(node), WAIT);
      assertThat(reply.get(node).path("error").asText())
          .startsWith("ValueError('autoscale needs 1 <= min <= max, got max=1 min=3");
      assertThat(worker.poolSize()).isEqualTo(2);
    }
  }

  @Test
  void autoscaleOnAFixedPoolSaysSo() {
    try (Worker worker = app.worker().concurrency(2).nodename(node).start()) {
      Map<String, JsonNode> reply = app.control().autoscale(6, 3, List.of(node), WAIT);
      assertThat(reply.get(node).path("error").asText())
          .isEqualTo("ValueError('Autoscale not enabled')");
      assertThat(worker.poolSize()).isEqualTo(2);
    }
  }

  @Test
  void theJavaInspectApiSeesRunningAndRegisteredTasksAndCounts() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    app.register(
        "mon.wait",
        call -> {
          running.countDown();
          return release.await(30, TimeUnit.SECONDS);
        });
    try (Worker worker = app.worker().concurrency(2).nodename(node).start()) {
      AsyncResult<Object> waiting = app.send("mon.wait", List.of(7), Map.of(), null);
      assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      var inspect = app.control().inspect().timeout(WAIT).destination(node);

      JsonNode active = inspect.active().get(node);
      assertThat(active).hasSize(1);
      assertThat(active.get(0).path("id").asText()).isEqualTo(waiting.id());
      assertThat(active.get(0).path("name").asText()).isEqualTo("mon.wait");
      assertThat(active.get(0).path("hostname").asText()).isEqualTo(node);
      assertThat(active.get(0).path("time_start").asDouble())
          .isCloseTo(
              System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
      assertThat(inspect.registered().get(node).toString()).contains("mon.wait");
      assertThat(inspect.ping().get(node).path("ok").asText()).isEqualTo("pong");

      release.countDown();
      assertThat(waiting.get(WAIT)).isEqualTo(true);
      await().atMost(WAIT).until(() -> inspect.active().get(node).isEmpty());
      JsonNode stats = inspect.stats().get(node);
      assertThat(stats.path("total").path("mon.wait").asLong()).isEqualTo(1);
      assertThat(stats.path("pool").path("max-concurrency").asInt()).isEqualTo(2);
    }
  }
}
