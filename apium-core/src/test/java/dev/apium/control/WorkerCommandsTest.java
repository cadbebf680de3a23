package dev.apium.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.events.EventDispatcher;
import dev.apium.memory.MemoryBroker;
import dev.apium.protocol.CeleryJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control commands' replies in Celery 5.2.6's shapes and texts (captured from {@code celery
 * inspect -j} / {@code celery control} against a Python worker), run against a small in-memory
 * {@link WorkerView}.
 */
class WorkerCommandsTest {
  private final MemoryBroker broker = new MemoryBroker("commands-" + UUID.randomUUID());
  private final EventDispatcher events =
      new EventDispatcher(broker, "w@h", Clock.systemUTC(), false, true);
  private final Map<String, Function<JsonNode, JsonNode>> commands = new HashMap<>();
  private final View view = new View();

  WorkerCommandsTest() {
    WorkerCommands.install(commands::put, view);
  }

  @AfterEach
  void close() {
    events.close();
    broker.close();
  }

  private JsonNode run(String method, String args) {
    return commands.get(method).apply(CeleryJson.parse(args));
  }

  @Test
  void requestListsHaveCeleryRequestInfo() {
    JsonNode active = run("active", "{}");
    assertThat(active).hasSize(1);
    JsonNode r = active.get(0);
    List<String> keys = new ArrayList<>();
    r.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "id",
            "name",
            "args",
            "kwargs",
            "type",
            "hostname",
            "time_start",
            "acknowledged",
            "delivery_info",
            "worker_pid");
    assertThat(r.path("delivery_info").toString())
        .isEqualTo(
            "{\"exchange\":\"\",\"routing_key\":\"celery\",\"priority\":0,\"redelivered\":null}");
    assertThat(run("active", "{\"safe\": true}").get(0).path("args").asText()).isEqualTo("(8,)");
    JsonNode scheduled = run("scheduled", "{}").get(0);
    assertThat(scheduled.path("eta").asText()).isEqualTo("2026-12-04T15:54:17.433374+00:00");
    assertThat(scheduled.path("priority").asInt()).isEqualTo(6);
    assertThat(scheduled.path("request").path("time_start").isNull()).isTrue();
    JsonNode query = run("query_task", "{\"ids\": [\"a1\", \"e1\", \"zz\"]}");
    assertThat(query.toString()).startsWith("{\"a1\":[\"active\",{\"id\":\"a1\"");
    assertThat(query.path("e1").get(0).asText()).isEqualTo("reserved");
    assertThat(query.has("zz")).isFalse();
  }

  @Test
  void controlRepliesUseCeleryTexts() {
    assertThat(
            run("time_limit", "{\"task_name\": \"t.add\", \"soft\": 10, \"hard\": 5}").toString())
        .isEqualTo("{\"ok\":\"time limits set successfully\"}");
    assertThat(view.limits).containsEntry("t.add", List.of(5.0, 10.0));
    assertThat(run("time_limit", "{\"task_name\": \"nope\"}").toString())
        .isEqualTo("{\"error\":\"unknown task\"}");
    assertThat(run("add_consumer", "{\"queue\": \"foo\"}").toString())
        .isEqualTo("{\"ok\":\"add consumer foo\"}");
    assertThat(run("add_consumer", "{\"queue\": \"foo\"}").toString())
        .isEqualTo("{\"ok\":\"already consuming from 'foo'\"}");
    assertThat(run("cancel_consumer", "{\"queue\": \"foo\"}").toString())
        .isEqualTo("{\"ok\":\"no longer consuming from foo\"}");
    assertThat(run("pool_grow", "{\"n\": 2}").toString()).isEqualTo("{\"ok\":\"pool will grow\"}");
    assertThat(view.pool).isEqualTo(3);
    assertThat(run("pool_shrink", "{}").toString()).isEqualTo("{\"ok\":\"pool will shrink\"}");
    assertThat(run("autoscale", "{\"max\": 4, \"min\": 2}").toString())
        .isEqualTo("{\"error\":\"ValueError('Autoscale not enabled')\"}");
    assertThat(run("enable_events", "{}").toString()).isEqualTo("{\"ok\":\"task events enabled\"}");
    assertThat(run("enable_events", "{}").toString())
        .isEqualTo("{\"ok\":\"task events already enabled\"}");
    assertThat(run("disable_events", "{}").toString())
        .isEqualTo("{\"ok\":\"task events disabled\"}");
    assertThat(run("disable_events", "{}").toString())
        .isEqualTo("{\"ok\":\"task events already disabled\"}");
    assertThat(run("heartbeat", "{}").isNull()).isTrue();
    assertThat(run("revoke", "{\"task_id\": \"x1\"}").toString())
        .isEqualTo("{\"ok\":\"tasks x1 flagged as revoked\"}");
    assertThat(run("revoke", "{\"task_id\": [\"x2\"], \"terminate\": true}").toString())
        .isEqualTo("{\"ok\":\"terminate: tasks unknown\"}");
    assertThat(view.revoked).containsExactly("x1", "x2");
    assertThat(run("shutdown", "{}")).as("shutdown does not answer, as Celery's").isNull();
    assertThat(view.shutdown).isTrue();
  }

  @Test
  void statsAndConfLookLikeCelerys() {
    JsonNode stats = run("stats", "{}");
    assertThat(stats.path("total").toString()).isEqualTo("{\"t.add\":3}");
    assertThat(stats.path("clock").isTextual()).isTrue();
    assertThat(stats.path("pool").path("max-concurrency").asInt()).isEqualTo(1);
    assertThat(stats.path("broker").path("transport").asText()).isEqualTo("amqp");
    assertThat(stats.path("broker").path("virtual_host").asText()).isEqualTo("v1");
    assertThat(stats.path("broker").path("userid").asText()).isEqualTo("guest");
    assertThat(stats.path("broker").toString()).doesNotContain("secret");
    assertThat(stats.path("prefetch_count").asInt()).isEqualTo(4);
    assertThat(stats.path("rusage").path("maxrss").asLong()).isPositive();
    assertThat(stats.path("events").path("dropped").isIntegralNumber()).isTrue();
    assertThat(stats.path("events").path("task_events").isBoolean()).isTrue();
    assertThat(run("conf", "{}").path("broker_url").asText())
        .isEqualTo("amqp://guest:********@rabbit:5672/v1");
    assertThat(run("report", "{}").path("ok").asText()).contains("software -> apium:");
    JsonNode queue = run("active_queues", "{}").get(0);
    assertThat(queue.path("name").asText()).isEqualTo("celery");
    assertThat(queue.path("exchange").path("type").asText()).isEqualTo("direct");
    assertThat(run("registered", "{}").toString()).isEqualTo("[\"t.add\",\"t.boom\"]");
  }

  /** A worker holding one running, one waiting and one ETA request. */
  private final class View implements WorkerView {
    final Map<String, List<Double>> limits = new HashMap<>();
    final List<String> revoked = new ArrayList<>();
    final List<String> queues = new ArrayList<>(List.of("celery"));
    int pool = 1;
    boolean shutdown;

    private RequestSnapshot request(String id, Double start, Instant eta) {
      return new RequestSnapshot(
          id,
          "t.add",
          CeleryJson.array().add(8),
          CeleryJson.object(),
          "(8,)",
          "{}",
          start,
          start != null,
          "",
          "celery",
          0,
          null,
          start == null ? null : 42L,
          eta);
    }

    @Override
    public String nodename() {
      return "w@h";
    }

    @Override
    public List<RequestSnapshot> active() {
      return List.of(request("a1", 1796399627.4559913, null));
    }

    @Override
    public List<RequestSnapshot> reserved() {
      return List.of(request("r1", null, null));
    }

    @Override
    public List<RequestSnapshot> scheduled() {
      return List.of(request("e1", null, Instant.parse("2026-12-04T15:54:17.433374Z")));
    }

    @Override
    public Collection<String> registered() {
      return List.of("t.boom", "t.add");
    }

    @Override
    public Map<String, Long> totals() {
      return Map.of("t.add", 3L);
    }

    @Override
    public long processed() {
      return 3;
    }

    @Override
    public int poolSize() {
      return pool;
    }

    @Override
    public int concurrency() {
      return 1;
    }

    @Override
    public int prefetchCount() {
      return 4;
    }

    @Override
    public Duration uptime() {
      return Duration.ofSeconds(23);
    }

    @Override
    public String brokerUrl() {
      return "amqp://guest:secret@rabbit:5672/v1";
    }

    @Override
    public String backendDescription() {
      return "redis://localhost:6379/3";
    }

    @Override
    public List<String> queues() {
      return queues;
    }

    @Override
    public Map<String, String> conf() {
      return Map.of("broker_url", brokerUrl());
    }

    @Override
    public EventDispatcher events() {
      return events;
    }

    @Override
    public Collection<String> revokedIds() {
      return revoked;
    }

    @Override
    public void revoke(String id) {
      revoked.add(id);
    }

    @Override
    public boolean terminate(String id) {
      return false;
    }

    @Override
    public boolean timeLimit(String task, Double hard, Double soft) {
      if (!task.equals("t.add")) {
        return false;
      }
      limits.put(task, List.of(hard, soft));
      return true;
    }

    @Override
    public void shutdown() {
      shutdown = true;
    }

    @Override
    public void resizePool(int delta) {
      pool = Math.max(1, pool + delta);
    }

    @Override
    public boolean autoscaling() {
      return false;
    }

    @Override
    public int[] autoscale(Integer max, Integer min) {
      throw new IllegalStateException("not autoscaling");
    }

    @Override
    public boolean addConsumer(String queue) {
      if (queues.contains(queue)) {
        return false;
      }
      return queues.add(queue);
    }

    @Override
    public boolean cancelConsumer(String queue) {
      return queues.remove(queue);
    }
  }
}
