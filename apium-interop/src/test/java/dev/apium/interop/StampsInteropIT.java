package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Celery 5.3+ stamps through a real Redis (db 14, queues and keys of the test's own): messages are
 * LPUSHed exactly as a 5.3+ client sends them ({@link Celery53Messages}), an Apium worker runs
 * them, and the stamps ({@code stamped_headers} / {@code stamps}) must reach every message Celery
 * would stamp: the retried message, a chain's next steps, a chord's parts and body and link
 * callbacks. The wire form of what Apium sends on is read raw from Redis, and a step sent on to a
 * Python 5.2.6 worker shows the stamps on its {@code self.request}. Also {@code
 * revoke_by_stamped_headers} (a task waiting for its ETA, one queued behind a busy worker, and a
 * running one with {@code terminate}) and {@code result_extended} stamps in the result meta.
 */
class StampsInteropIT {
  static final String REDIS = "redis://127.0.0.1:6379/14";
  static final Duration WAIT = Duration.ofSeconds(30);

  private final String queue = "stamps-" + UUID.randomUUID();
  private final String capture = "stamps-capture-" + UUID.randomUUID();
  private final String key = "stamps-record-" + UUID.randomUUID();
  private final RedisClient redisClient = RedisClient.create(REDIS);
  private final StatefulRedisConnection<String, String> redis = redisClient.connect();
  private final StampTasks tasks = new StampTasks(REDIS);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> keys = new ArrayList<>(List.of(queue, capture, key));

  @BeforeAll
  static void celeryIsInstalled() {
    assertThat(PythonCelery.available())
        .as("Debian python3-celery must be installed: run bin/test, which installs it")
        .isTrue();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    tasks.close();
    redis.sync().del(keys.toArray(String[]::new));
    redis.close();
    redisClient.shutdown();
  }

  private Apium app(String... config) {
    Apium.Builder builder =
        Apium.builder()
            .withoutEnvironment()
            .broker(REDIS)
            .backend(REDIS)
            .config("task_default_queue", queue);
    for (int i = 0; i < config.length; i += 2) {
      builder.config(config[i], config[i + 1]);
    }
    Apium app = builder.build();
    app.register(tasks);
    closing.add(app);
    return app;
  }

  private Worker worker(Apium app, int concurrency) {
    Worker worker = app.worker().queues(queue).concurrency(concurrency).start();
    closing.add(worker);
    return worker;
  }

  private void send(Celery53Messages.Message message, String to) {
    keys.add("celery-task-meta-" + message.id);
    redis.sync().lpush(to, message.envelope(to));
  }

  private List<JsonNode> runs() {
    return redis.sync().lrange(key, 0, -1).stream().map(CeleryJson::parse).toList();
  }

  private static Map<String, Object> stamps(Object... pairs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1]);
    }
    return out;
  }

  /** The raw headers of the one message waiting on {@code list} (kombu envelope). */
  private JsonNode waitingHeaders(String list) {
    await().atMost(WAIT).until(() -> redis.sync().llen(list) == 1);
    return CeleryJson.parse(redis.sync().lindex(list, 0)).get("headers");
  }

  private static String tail(JsonNode headers) {
    String json = CeleryJson.write(headers);
    return json.substring(json.indexOf("\"ignore_result\""));
  }

  private static void assertStamped(JsonNode run, String stampedHeaders, String stampsJson) {
    assertThat(run.get("stamped_headers").toString()).isEqualTo(stampedHeaders);
    assertThat(run.get("stamps").toString()).isEqualTo(stampsJson);
  }

  @Test
  void theRetriedMessageKeepsTheStamps() {
    Apium app = app();
    worker(app, 2);
    Celery53Messages.Message m =
        new Celery53Messages.Message("stamps.retry_once", key)
            .stamps(stamps("tenant", "acme", "batch", 7));
    send(m, queue);
    assertThat(app.result(m.id).get(WAIT)).isEqualTo("done");
    List<JsonNode> runs = runs();
    assertThat(runs).hasSize(2);
    assertThat(runs.get(1).get("retries").asInt()).isEqualTo(1);
    for (JsonNode run : runs) {
      assertThat(run.get("id").asText()).isEqualTo(m.id);
      assertStamped(run, "[\"tenant\",\"batch\"]", "{\"tenant\":\"acme\",\"batch\":7}");
    }
  }

  @Test
  void aChainsNextStepsKeepTheStampsOnTheWireAndForAPythonWorker() throws Exception {
    Apium app = app();
    worker(app, 2);
    Map<String, Object> stamp = stamps("tenant", "acme");
    String last = UUID.randomUUID().toString();
    String second = UUID.randomUUID().toString();
    keys.add("celery-task-meta-" + last);
    keys.add("celery-task-meta-" + second);
    Celery53Messages.Message head =
        new Celery53Messages.Message("stamps.step", 1, key)
            .stamps(stamp)
            .chain(
                Celery53Messages.signature(
                    "interop.stamps",
                    List.of("py"),
                    stamp,
                    Map.of("task_id", last, "reply_to", Celery53Messages.REPLY_TO, "queue", capture)),
                Celery53Messages.signature(
                    "stamps.step",
                    List.of(key),
                    stamp,
                    Map.of("task_id", second, "reply_to", Celery53Messages.REPLY_TO)));
    send(head, queue);
    JsonNode headers = waitingHeaders(capture);
    assertThat(headers.get("id").asText()).isEqualTo(last);
    assertThat(tail(headers))
        .isEqualTo(
            "\"ignore_result\":false,\"replaced_task_nesting\":0,"
                + "\"stamped_headers\":[\"tenant\"],\"stamps\":{\"tenant\":\"acme\"}}");
    List<JsonNode> runs = runs();
    assertThat(runs).extracting(r -> r.get("id").asText()).containsExactly(head.id, second);
    runs.forEach(run -> assertStamped(run, "[\"tenant\"]", "{\"tenant\":\"acme\"}"));

    PythonCelery python = new PythonCelery(REDIS, REDIS, capture);
    closing.add(python);
    python.startWorker("stamps-py-" + UUID.randomUUID() + "@%h", 1, capture);
    JsonNode seen = CeleryJson.toTree(app.result(last).get(WAIT));
    assertThat(seen.get("args").toString()).isEqualTo("[3,\"py\"]");
    assertThat(seen.get("stamped_headers").toString()).isEqualTo("[\"tenant\"]");
    assertThat(seen.get("stamps").toString()).isEqualTo("{\"tenant\":\"acme\"}");
    assertThat(seen.get("replaced_task_nesting").asInt()).isZero();
  }

  @Test
  void aChordsPartsAndBodyKeepTheStamps() {
    Apium app = app();
    worker(app, 2);
    Map<String, Object> stamp = stamps("tenant", "acme");
    String group = UUID.randomUUID().toString();
    String body = UUID.randomUUID().toString();
    String size = "celery-taskset-meta-" + group + ".s";
    keys.addAll(
        List.of(
            size,
            "celery-taskset-meta-" + group + ".j",
            "celery-taskset-meta-" + group + ".t",
            "celery-task-meta-" + body));
    // §4.5: the client stores the chord size, then publishes the header tasks.
    redis.sync().setex(size, 86400, "2");
    JsonNode bodySig =
        Celery53Messages.signature(
            "stamps.step",
            List.of(key),
            stamp,
            Map.of("task_id", body, "reply_to", Celery53Messages.REPLY_TO, "queue", capture));
    for (int i = 0; i < 2; i++) {
      send(
          new Celery53Messages.Message("stamps.step", 10 * (i + 1), key)
              .stamps(stamp)
              .group(group, i)
              .chord(bodySig),
          queue);
    }
    JsonNode headers = waitingHeaders(capture);
    assertThat(headers.get("id").asText()).isEqualTo(body);
    assertThat(tail(headers))
        .isEqualTo(
            "\"ignore_result\":false,\"replaced_task_nesting\":0,"
                + "\"stamped_headers\":[\"tenant\"],\"stamps\":{\"tenant\":\"acme\"}}");
    List<JsonNode> runs = runs();
    assertThat(runs).hasSize(2);
    runs.forEach(run -> assertStamped(run, "[\"tenant\"]", "{\"tenant\":\"acme\"}"));
  }

  @Test
  void linkCallbacksKeepTheStamps() {
    Apium app = app();
    worker(app, 2);
    Map<String, Object> stamp = stamps("tenant", List.of("acme", "zeta"));
    Celery53Messages.Message m =
        new Celery53Messages.Message("stamps.step", 5, key)
            .stamps(stamp)
            .callbacks(
                Celery53Messages.signature("stamps.step", List.of(key), stamp, Map.of()),
                Celery53Messages.signature(
                    "stamps.step", List.of(key), stamp, Map.of("queue", capture)));
    send(m, queue);
    JsonNode headers = waitingHeaders(capture);
    assertThat(tail(headers))
        .isEqualTo(
            "\"ignore_result\":false,\"replaced_task_nesting\":0,"
                + "\"stamped_headers\":[\"tenant\"],\"stamps\":{\"tenant\":[\"acme\",\"zeta\"]}}");
    keys.add("celery-task-meta-" + headers.get("id").asText());
    await().atMost(WAIT).until(() -> runs().size() == 2);
    List<JsonNode> runs = runs();
    assertThat(runs.get(1).get("value").asInt()).isEqualTo(6);
    runs.forEach(run -> assertStamped(run, "[\"tenant\"]", "{\"tenant\":[\"acme\",\"zeta\"]}"));
  }
}
