package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.RevokeOnReceipt;
import dev.apium.protocol.CeleryJson;
import dev.apium.worker.Worker;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Celery 5.6.2's REVOKED-on-receipt (celery#9869) end to end on Redis db 14: a Python 5.2.6 client
 * revokes a task an Apium worker holds for its ETA; both Apium's and Python's result clients read
 * REVOKED at once, before the ETA, and the worker still drops the message at the ETA (storing
 * REVOKED again, as Celery does) without running it. With {@code
 * task_revoke_store_on_receipt=false} (Celery 5.2.6) the state stays PENDING until the drop.
 */
class RevokeOnReceiptIT {
  static final String REDIS = "redis://127.0.0.1:6379/14";
  static final Duration WAIT = Duration.ofSeconds(30);

  private final String queue = "revoke-receipt-" + UUID.randomUUID();
  private final String key = "revoke-receipt-record-" + UUID.randomUUID();
  private final RedisClient redisClient = RedisClient.create(REDIS);
  private final StatefulRedisConnection<String, String> redis = redisClient.connect();
  private final StampTasks tasks = new StampTasks(REDIS);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<String> keys = new ArrayList<>(List.of(queue, key));
  private Apium app;

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

  private Worker worker(boolean storeOnReceipt) {
    app =
        Apium.builder()
            .withoutEnvironment()
            .broker(REDIS)
            .backend(REDIS)
            .config("task_default_queue", queue)
            .config(RevokeOnReceipt.SETTING, Boolean.toString(storeOnReceipt))
            .build();
    app.register(tasks);
    closing.add(app);
    Worker worker =
        app.worker()
            .queues(queue)
            .concurrency(2)
            .nodename("rr-" + UUID.randomUUID() + "@it")
            .start();
    closing.add(worker);
    return worker;
  }

  /** A task held by the worker for its ETA, sent as a Celery 5.3+ client sends it. */
  private Celery53Messages.Message waiting(Instant eta) {
    Celery53Messages.Message m = new Celery53Messages.Message("stamps.step", 1, key).eta(eta);
    keys.add("celery-task-meta-" + m.id);
    redis.sync().lpush(queue, m.envelope(queue));
    await().atMost(WAIT).until(() -> redis.sync().llen(queue) == 0);
    return m;
  }

  /** Python 5.2.6's {@code app.control.revoke} with replies, then its read of the state. */
  private JsonNode pythonRevokes(String id, String nodename) throws Exception {
    return new PythonCelery(REDIS, REDIS, queue)
        .run(
            "replies = app.control.revoke('"
                + id
                + "', destination=['"
                + nodename
                + "'], reply=True, timeout=10)\n"
                + "out = [replies, AsyncResult('"
                + id
                + "').state]");
  }

  private Instant dateDone(String id) {
    JsonNode meta = CeleryJson.parse(redis.sync().get("celery-task-meta-" + id));
    return CeleryJson.parseInstant(meta.get("date_done").asText());
  }

  @Test
  void revokedIsStoredWhenTheBroadcastArrivesAndTheMessageIsStillDroppedAtItsEta()
      throws Exception {
    Worker worker = worker(true);
    Instant eta = Instant.now().plusSeconds(12);
    Celery53Messages.Message m = waiting(eta);
    JsonNode out = pythonRevokes(m.id, worker.nodename());
    assertThat(out.get(0).toString())
        .isEqualTo(
            "[{\"" + worker.nodename() + "\":{\"ok\":\"tasks " + m.id + " flagged as revoked\"}}]");
    assertThat(out.get(1).asText()).isEqualTo("REVOKED"); // Python 5.2.6 client, before the ETA
    Apium reader = Apium.builder().withoutEnvironment().broker(REDIS).backend(REDIS).build();
    closing.add(reader);
    assertThat(reader.result(m.id).state()).isEqualTo("REVOKED");
    Instant onReceipt = dateDone(m.id);
    assertThat(onReceipt).isBefore(eta);
    assertThat(Instant.now()).isBefore(eta);
    // At the ETA the worker discards the message and stores REVOKED again.
    await().atMost(WAIT).until(() -> dateDone(m.id).isAfter(eta.minusMillis(500)));
    assertThat(reader.result(m.id).info().path("exc_message").toString())
        .isEqualTo("[\"revoked\"]");
    assertThat(redis.sync().llen(key)).isZero();
  }

  @Test
  void celery526BehaviourStoresRevokedOnlyWhenTheMessageIsDropped() throws Exception {
    Worker worker = worker(false);
    Instant eta = Instant.now().plusSeconds(12);
    Celery53Messages.Message m = waiting(eta);
    JsonNode out = pythonRevokes(m.id, worker.nodename());
    assertThat(out.get(0).toString()).contains("flagged as revoked");
    assertThat(out.get(1).asText()).isEqualTo("PENDING");
    assertThat(Instant.now()).isBefore(eta);
    await().atMost(WAIT).until(() -> redis.sync().exists("celery-task-meta-" + m.id) == 1);
    assertThat(app.result(m.id).state()).isEqualTo("REVOKED");
    assertThat(dateDone(m.id)).isAfter(eta.minusMillis(500));
    assertThat(redis.sync().llen(key)).isZero();
  }
}
