package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.apium.ApiumConfig;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.spi.ChordPart;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Celery's result keys, notification and chord join; db 11, random ids. */
class RedisResultBackendIT {
  static RedisTestSupport redis;
  static RedisResultBackend backend;

  @BeforeAll
  static void start() {
    redis = new RedisTestSupport(RedisTestSupport.DB);
    backend = new RedisResultBackend(redis.url(), ApiumConfig.of(Map.of()));
  }

  @AfterAll
  static void stop() {
    backend.close();
    redis.close();
  }

  @Test
  void storeIsSetexPlusPublishOnTheKeyChannel() throws Exception {
    String id = RedisTestSupport.unique("task");
    String key = "celery-task-meta-" + id;
    var sub = redis.client.connectPubSub();
    BlockingQueue<String> heard = new LinkedBlockingQueue<>();
    sub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            heard.add(channel + " " + message);
          }
        });
    sub.sync().subscribe(key);
    try {
      ResultMeta meta = ResultMeta.success(id, IntNode.valueOf(5), Instant.now());
      backend.store(meta);
      String stored = redis.raw.get(key);
      assertThat(stored).isEqualTo(new String(meta.toBytes()));
      assertThat(redis.raw.ttl(key)).isBetween(86300L, 86400L);
      assertThat(heard.poll(5, TimeUnit.SECONDS)).isEqualTo(key + " " + stored);
      assertThat(CeleryJson.parse(stored).fieldNames().next()).isEqualTo("status");
      assertThat(backend.get(id)).contains(meta);
    } finally {
      sub.close();
    }
  }

  @Test
  void successIsNeverOverwritten() {
    String id = RedisTestSupport.unique("dup");
    backend.store(ResultMeta.state(id, TaskState.STARTED, CeleryJson.object()));
    backend.store(ResultMeta.success(id, IntNode.valueOf(1), Instant.now()));
    backend.store(ResultMeta.state(id, TaskState.RETRY, null));
    backend.store(ResultMeta.success(id, IntNode.valueOf(2), Instant.now()));
    assertThat(backend.get(id).orElseThrow().result().asInt()).isEqualTo(1);
    assertThat(backend.get(RedisTestSupport.unique("none"))).isEmpty();
  }

  @Test
  void awaitReadySharesOneSubscriptionAndCatchesUp() throws Exception {
    String id = RedisTestSupport.unique("wait");
    CompletableFuture<ResultMeta> first = backend.awaitReady(id);
    CompletableFuture<ResultMeta> second = backend.awaitReady(id);
    backend.store(ResultMeta.state(id, TaskState.STARTED, CeleryJson.object()));
    assertThat(first).isNotDone();
    // written by someone else (a Python worker), PUBLISH included
    String done = new String(ResultMeta.success(id, IntNode.valueOf(42), Instant.now()).toBytes());
    redis.raw.setex("celery-task-meta-" + id, 100, done);
    redis.raw.publish("celery-task-meta-" + id, done);
    assertThat(first.get(5, TimeUnit.SECONDS).result().asInt()).isEqualTo(42);
    assertThat(second.get(5, TimeUnit.SECONDS).result().asInt()).isEqualTo(42);
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.waitingChannels() == 0);

    // already stored: completes at once; a cancelled waiter unsubscribes
    assertThat(backend.awaitReady(id)).isCompleted();
    String quiet = RedisTestSupport.unique("quiet");
    CompletableFuture<ResultMeta> cancelled = backend.awaitReady(quiet);
    cancelled.cancel(false);
    await().atMost(Duration.ofSeconds(5)).until(() -> backend.waitingChannels() == 0);
  }

  @Test
  void manyWaitersManyTasks() throws Exception {
    List<String> ids = new ArrayList<>();
    List<CompletableFuture<ResultMeta>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = RedisTestSupport.unique("many");
      ids.add(id);
      futures.add(backend.awaitReady(id));
    }
    for (String id : ids) {
      backend.store(ResultMeta.success(id, IntNode.valueOf(ids.indexOf(id)), Instant.now()));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(futures.get(i).get(5, TimeUnit.SECONDS).result().asInt()).isEqualTo(i);
    }
  }

  @Test
  void groupsAndChordKeysHaveCeleryLayout() {
    String gid = RedisTestSupport.unique("g");
    JsonNode tuple =
        CeleryJson.parse(
            "[[\"" + gid + "\", null], [[[\"a\", null], null], [[\"b\", null], null]]]");
    backend.saveGroup(gid, tuple);
    assertThat(redis.raw.get("celery-taskset-meta-" + gid)).isEqualTo("{\"result\":" + tuple + "}");
    assertThat(backend.restoreGroup(gid)).contains(tuple);
    backend.forgetGroup(gid);
    assertThat(backend.restoreGroup(gid)).isEmpty();

    backend.chordSetSize(gid, 2);
    assertThat(redis.raw.get("celery-taskset-meta-" + gid + ".s")).isEqualTo("2");
    assertThat(redis.raw.ttl("celery-taskset-meta-" + gid + ".s")).isPositive();
    assertThat(backend.chordPartDone(gid, 1, part("b", 4))).isEmpty();
    assertThat(redis.raw.zrangeWithScores("celery-taskset-meta-" + gid + ".j", 0, -1))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getScore()).isEqualTo(1.0);
              assertThat(v.getValue()).isEqualTo("[1,\"b\",\"SUCCESS\",4]");
            });
    assertThat(backend.chordPartDone(gid, 1, part("b", 4))).as("duplicate").isEmpty();
    backend.chordAddTasks(gid, 1);
    assertThat(backend.chordPartDone(gid, 0, part("a", 2))).isEmpty();
    Optional<List<ChordPart>> done = backend.chordPartDone(gid, 2, part("c", 9));
    assertThat(done.orElseThrow()).extracting(ChordPart::taskId).containsExactly("a", "b", "c");
    assertThat(done.get().get(0).result().asInt()).isEqualTo(2);
    assertThat(redis.raw.exists("celery-taskset-meta-" + gid + ".j")).isZero();
  }

  @Test
  void aFailedChordKeepsItsJoinRecordUntilItExpiresAsCeleryDoes() {
    String gid = RedisTestSupport.unique("g");
    backend.chordSetSize(gid, 2);
    assertThat(backend.chordPartDone(gid, 0, part("a", 2))).isEmpty();
    JsonNode error =
        CeleryJson.parse(
            "{\"exc_type\": \"ValueError\", \"exc_message\": [\"x\"], \"exc_module\": \"builtins\"}");
    Optional<List<ChordPart>> done =
        backend.chordPartDone(gid, 1, new ChordPart("f", "FAILURE", error));
    assertThat(done.orElseThrow())
        .extracting(ChordPart::state)
        .containsExactly("SUCCESS", "FAILURE");
    assertThat(redis.raw.zcard("celery-taskset-meta-" + gid + ".j")).isEqualTo(2);
    assertThat(redis.raw.ttl("celery-taskset-meta-" + gid + ".j")).isPositive();
    assertThat(redis.raw.get("celery-taskset-meta-" + gid + ".s")).isEqualTo("2");
    assertThat(backend.chordPartDone(gid, 1, new ChordPart("f", "FAILURE", error)))
        .as("a duplicate does not complete it again")
        .isEmpty();
  }

  @Test
  void chordJoinFiresExactlyOnceUnderConcurrency() throws Exception {
    int chords = 200;
    int parts = 20;
    List<String> gids = new ArrayList<>();
    for (int c = 0; c < chords; c++) {
      String gid = RedisTestSupport.unique("chord");
      gids.add(gid);
      backend.chordSetSize(gid, parts);
    }
    List<Runnable> work = new ArrayList<>();
    AtomicInteger completions = new AtomicInteger();
    List<String> completed = Collections.synchronizedList(new ArrayList<>());
    for (String gid : gids) {
      for (int p = 0; p < parts; p++) {
        int index = p;
        Runnable once =
            () -> {
              if (backend.chordPartDone(gid, index, part(gid + "-" + index, index)).isPresent()) {
                completions.incrementAndGet();
                completed.add(gid);
              }
            };
        work.add(once);
        if (p % 5 == 0) {
          work.add(once); // a redelivered part
        }
      }
    }
    Collections.shuffle(work);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable r : work) {
        futures.add(pool.submit(r));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(completions.get()).isEqualTo(chords);
    assertThat(completed).containsExactlyInAnyOrderElementsOf(gids);
  }

  @Test
  void revokedIdsPersistUntilTheyExpire() {
    String id = RedisTestSupport.unique("rev");
    String old = RedisTestSupport.unique("old");
    backend.markRevoked(id, Duration.ofHours(1));
    backend.markRevoked(old, Duration.ofMillis(-1000));
    assertThat(backend.revokedIds()).contains(id).doesNotContain(old);
    try (RedisResultBackend other = new RedisResultBackend(redis.url(), ApiumConfig.of(Map.of()))) {
      assertThat(other.revokedIds()).contains(id);
    }
    assertThat(redis.raw.zscore("apium.revoked", id)).isGreaterThan(Instant.now().getEpochSecond());
  }

  private static ChordPart part(String id, int value) {
    return new ChordPart(id, TaskState.SUCCESS, IntNode.valueOf(value));
  }
}
