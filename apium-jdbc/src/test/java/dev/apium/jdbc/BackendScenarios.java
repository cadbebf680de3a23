package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.apium.ApiumConfig;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.spi.ChordPart;
import dev.apium.spi.ResultBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Result backend behaviour both databases must show; subclasses say where the database is. */
abstract class BackendScenarios {
  private final List<ResultBackend> opened = new CopyOnWriteArrayList<>();

  abstract String url();

  abstract Map<String, String> settings();

  ResultBackend backend() {
    return backend(Clock.systemUTC(), Map.of());
  }

  ResultBackend backend(Clock clock, Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(settings());
    all.putAll(extra);
    ApiumConfig config = ApiumConfig.of(all);
    ResultBackend backend =
        new JdbcResultBackend(Database.open(JdbcLocation.parse(url(), config)), config, clock);
    opened.add(backend);
    return backend;
  }

  @AfterEach
  void closeBackends() {
    opened.forEach(ResultBackend::close);
  }

  private static ResultMeta success(String id, int value) {
    return ResultMeta.success(id, IntNode.valueOf(value), Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Test
  void storedSuccessIsNeverOverwritten() {
    ResultBackend backend = backend();
    assertThat(backend.get("t1")).isEmpty();
    backend.store(ResultMeta.state("t1", TaskState.STARTED, CeleryJson.object()));
    assertThat(backend.get("t1").orElseThrow().status()).isEqualTo(TaskState.STARTED);
    backend.store(success("t1", 42));
    backend.store(ResultMeta.state("t1", TaskState.RETRY, CeleryJson.object()));
    backend.store(success("t1", 7));
    ResultMeta meta = backend.get("t1").orElseThrow();
    assertThat(meta.status()).isEqualTo(TaskState.SUCCESS);
    assertThat(meta.result().asInt()).isEqualTo(42);
    assertThat(meta.toJson()).isEqualTo(success("t1", 42).toJson());
    backend.forget("t1");
    assertThat(backend.get("t1")).isEmpty();
  }

  @Test
  void awaitReadyCompletesForStoresFromAnotherInstance() throws Exception {
    ResultBackend client = backend();
    ResultBackend worker = backend();
    worker.store(success("done-before", 1));
    assertThat(client.awaitReady("done-before").get(5, TimeUnit.SECONDS).result().asInt())
        .isEqualTo(1);
    CompletableFuture<ResultMeta> waiting = client.awaitReady("later");
    CompletableFuture<ResultMeta> cancelled = client.awaitReady("never");
    worker.store(ResultMeta.state("later", TaskState.STARTED, CeleryJson.object()));
    assertThat(waiting).isNotDone();
    worker.store(success("later", 2));
    assertThat(waiting.get(5, TimeUnit.SECONDS).result().asInt()).isEqualTo(2);
    assertThat(cancelled.cancel(true)).isTrue();
  }

  @Test
  void awaitReadyCompletesForLocalStores() throws Exception {
    ResultBackend backend = backend();
    CompletableFuture<ResultMeta> waiting = backend.awaitReady("local");
    backend.store(success("local", 3));
    assertThat(waiting.get(5, TimeUnit.SECONDS).result().asInt()).isEqualTo(3);
  }

  @Test
  void resultsExpire() {
    AtomicLong now = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(now.get());
          }
        };
    ResultBackend backend = backend(clock, Map.of("result_expires", "60"));
    backend.store(success("e1", 1));
    backend.markRevoked("r1", Duration.ofSeconds(30));
    assertThat(backend.get("e1")).isPresent();
    assertThat(backend.revokedIds()).containsExactly("r1");
    now.addAndGet(31_000);
    assertThat(backend.revokedIds()).isEmpty();
    now.addAndGet(30_000);
    assertThat(backend.get("e1")).isEmpty();
    backend.store(success("e1", 2));
    assertThat(backend.get("e1").orElseThrow().result().asInt()).isEqualTo(2);
  }

  @Test
  void groupsAreSavedRestoredAndForgotten() {
    ResultBackend backend = backend();
    var tuple =
        CeleryJson.parse("[[\"g1\", null], [[[\"a\", null], null], [[\"b\", null], null]]]");
    backend.saveGroup("g1", tuple);
    assertThat(backend.restoreGroup("g1")).contains(tuple);
    backend.forgetGroup("g1");
    assertThat(backend.restoreGroup("g1")).isEmpty();
  }

  @Test
  void revokedIdsAreSharedBetweenInstances() {
    backend().markRevoked("x", Duration.ofMinutes(5));
    assertThat(backend().revokedIds()).contains("x");
  }

  @Test
  void chordCompletesExactlyOnceUnderEightThreadsCountingDuplicatesOnce() throws Exception {
    int size = 40;
    List<ResultBackend> backends = List.of(backend(), backend());
    backends.get(0).chordSetSize("chord-1", size - 2);
    backends.get(1).chordAddTasks("chord-1", 2);
    ConcurrentLinkedQueue<List<ChordPart>> completions = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch start = new CountDownLatch(1);
    List<java.util.concurrent.Future<?>> work = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      work.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = thread; i < size * 2; i += 8) {
                  int index = i % size;
                  ChordPart part =
                      new ChordPart(
                          "task-" + index, TaskState.SUCCESS, TextNode.valueOf("r" + index));
                  Optional<List<ChordPart>> done =
                      backends.get(thread % 2).chordPartDone("chord-1", index, part);
                  done.ifPresent(completions::add);
                }
                return null;
              }));
    }
    start.countDown();
    for (var f : work) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(completions).hasSize(1);
    List<ChordPart> parts = completions.peek();
    assertThat(parts).hasSize(size);
    for (int i = 0; i < size; i++) {
      assertThat(parts.get(i).taskId()).isEqualTo("task-" + i);
      assertThat(parts.get(i).result().asText()).isEqualTo("r" + i);
    }
    assertThat(
            backends.get(0).chordPartDone("chord-1", 0, new ChordPart("task-0", "SUCCESS", null)))
        .isEmpty();
  }
}
