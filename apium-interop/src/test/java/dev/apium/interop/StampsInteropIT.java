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
    Worker worker =
        app.worker()
            .queues(queue)
            .concurrency(concurrency)
            .nodename("stamps-" + UUID.randomUUID() + "@it")
            .start();
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
                    Map.of(
                        "task_id", last, "reply_to", Celery53Messages.REPLY_TO, "queue", capture)),
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

  private static String revokeByStamp(Apium app, Worker worker, String tenant, boolean terminate) {
    Map<String, JsonNode> replies =
        app.control()
            .revokeByStampedHeaders(
                Map.of("tenant", tenant),
                terminate,
                List.of(worker.nodename()),
                Duration.ofSeconds(10));
    assertThat(replies).containsOnlyKeys(worker.nodename());
    return replies.get(worker.nodename()).path("ok").asText();
  }

  @Test
  void revokeByStampedHeadersDropsATaskWaitingForItsEta() {
    Apium app = app();
    Worker worker = worker(app, 2);
    String tenant = "t-" + UUID.randomUUID();
    Instant eta = Instant.now().plusSeconds(4);
    Celery53Messages.Message waiting =
        new Celery53Messages.Message("stamps.step", 1, key)
            .stamps(stamps("tenant", tenant))
            .eta(eta);
    Celery53Messages.Message other =
        new Celery53Messages.Message("stamps.step", 2, key)
            .stamps(stamps("tenant", "other-" + tenant))
            .eta(eta);
    send(waiting, queue);
    send(other, queue);
    await().atMost(WAIT).until(() -> redis.sync().llen(queue) == 0); // both held for their ETA
    assertThat(revokeByStamp(app, worker, tenant, false))
        .isEqualTo("headers {'tenant': '" + tenant + "'} flagged as revoked, but not terminated");
    assertThat(Instant.now()).isBefore(eta);
    assertThat(app.result(other.id).get(WAIT)).isEqualTo(3);
    await().atMost(WAIT).until(() -> "REVOKED".equals(app.result(waiting.id).state()));
    assertThat(app.result(waiting.id).info().path("exc_message").toString())
        .isEqualTo("[\"revoked\"]");
    assertThat(runs()).extracting(r -> r.get("value").asInt()).containsExactly(2);
  }

  @Test
  void revokeByStampedHeadersDropsATaskQueuedBehindABusyWorker() {
    Apium app = app();
    Worker worker = worker(app, 1);
    String release = "stamps-release-" + UUID.randomUUID();
    keys.add(release);
    String tenant = "t-" + UUID.randomUUID();
    Celery53Messages.Message busy = new Celery53Messages.Message("stamps.block", key, release);
    send(busy, queue);
    await().atMost(WAIT).until(() -> runs().size() == 1);
    Celery53Messages.Message queued =
        new Celery53Messages.Message("stamps.step", 1, key).stamps(stamps("tenant", tenant));
    send(queued, queue);
    assertThat(revokeByStamp(app, worker, tenant, false)).endsWith("but not terminated");
    redis.sync().set(release, "1");
    assertThat(app.result(busy.id).get(WAIT)).isEqualTo("released");
    await().atMost(WAIT).until(() -> "REVOKED".equals(app.result(queued.id).state()));
    assertThat(runs())
        .extracting(r -> r.get("value").asText())
        .containsExactly("started", "finished");
  }

  @Test
  void revokeByStampedHeadersWithTerminateStopsARunningTask() throws Exception {
    Apium app = app();
    Worker worker = worker(app, 2);
    String release = "stamps-release-" + UUID.randomUUID();
    keys.add(release);
    String tenant = "t-" + UUID.randomUUID();
    Celery53Messages.Message running =
        new Celery53Messages.Message("stamps.block", key, release)
            .stamps(stamps("tenant", List.of("x-" + tenant, tenant)));
    send(running, queue);
    await().atMost(WAIT).until(() -> runs().size() == 1);
    assertThat(revokeByStamp(app, worker, "nobody-" + tenant, true))
        .isEqualTo("headers {'tenant': 'nobody-" + tenant + "'} were not terminated");
    assertThat(revokeByStamp(app, worker, tenant, true))
        .isEqualTo("headers defaultdict(<class 'set'>, {'tenant': {'" + tenant + "'}}) revoked");
    await().atMost(WAIT).until(() -> "REVOKED".equals(app.result(running.id).state()));
    assertThat(app.result(running.id).info().path("exc_message").toString())
        .isEqualTo("[\"terminated\"]");
    JsonNode python =
        new PythonCelery(REDIS, REDIS, queue)
            .run("r = AsyncResult('" + running.id + "'); out = [r.state, str(r.result)]");
    assertThat(python.toString()).isEqualTo("[\"REVOKED\",\"terminated\"]");
    assertThat(runs()).extracting(r -> r.get("value").asText()).containsExactly("started");
  }

  @Test
  void resultExtendedStoresTheStampsAsCelery53Does() throws Exception {
    Apium app = app("result_extended", "true");
    worker(app, 1);
    Celery53Messages.Message m =
        new Celery53Messages.Message("stamps.step", 1, key)
            .stamps(stamps("tenant", "acme", "batch", 7));
    send(m, queue);
    assertThat(app.result(m.id).get(WAIT)).isEqualTo(2);
    JsonNode meta = CeleryJson.parse(redis.sync().get("celery-task-meta-" + m.id));
    List<String> fields = new ArrayList<>();
    meta.fieldNames().forEachRemaining(fields::add);
    // base.py _get_result_meta: request_meta['stamped_headers'], then update(request.stamps)
    assertThat(fields)
        .containsSubsequence("queue", "stamped_headers", "tenant", "batch", "task_id")
        .endsWith("task_id");
    assertThat(meta.get("stamped_headers").toString()).isEqualTo("[\"tenant\",\"batch\"]");
    assertThat(meta.get("tenant").asText()).isEqualTo("acme");
    assertThat(meta.get("batch").asInt()).isEqualTo(7);
    JsonNode python =
        new PythonCelery(REDIS, REDIS, queue)
            .env("INTEROP_EXTENDED", "1")
            .run("r = AsyncResult('" + m.id + "'); out = [r.get(timeout=10), r.name, r.queue]");
    assertThat(python.toString()).isEqualTo("[2,\"stamps.step\",\"" + queue + "\"]");
  }
}
