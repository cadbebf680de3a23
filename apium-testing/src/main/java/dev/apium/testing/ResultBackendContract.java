package dev.apium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.apium.protocol.CeleryJson;
import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.spi.ChordPart;
import dev.apium.spi.ResultBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link ResultBackend} must show, as JUnit tests: extend it and return a
 * backend from {@link #newBackend()}. Two calls within one test must reach the same store (a client
 * and a worker, or a worker after a restart); tests isolate themselves with random ids from {@link
 * #uniqueId()}, so the store may be shared with other tests. Backends opened through {@link
 * #open()} are closed after each test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ResultBackendContract {
  private final List<ResultBackend> opened = new ArrayList<>();
  protected ResultBackend backend;

  /** A new client of the store under test. */
  protected abstract ResultBackend newBackend();

  /** How long to wait for something that must happen. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  protected static String uniqueId() {
    return UUID.randomUUID().toString();
  }

  /** A backend closed after the test. */
  protected ResultBackend open() {
    ResultBackend created = newBackend();
    opened.add(created);
    return created;
  }

  @BeforeEach
  void openBackend() {
    backend = open();
  }

  @AfterEach
  void closeBackends() {
    opened.forEach(ResultBackend::close);
  }

  private static final Instant DONE = Instant.parse("2026-11-24T10:13:08.951568Z");

  private static ResultMeta success(String id, Object value) {
    return ResultMeta.success(id, CeleryJson.toTree(value), DONE);
  }

  private static ResultMeta failure(String id) {
    return ResultMeta.failure(
        id, ExceptionInfo.of("builtins", "ValueError", "boom"), "Traceback ...", DONE);
  }

  private ResultMeta resolve(CompletableFuture<ResultMeta> future) throws Exception {
    return future.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void storesAndReadsEveryField() {
    String id = uniqueId();
    ObjectNode extended = CeleryJson.object();
    extended.put("name", "contract.add");
    extended.set("args", CeleryJson.toTree(List.of(2, 3)));
    extended.set("kwargs", CeleryJson.object().put("x", 1));
    extended.put("worker", "celery@host");
    extended.put("retries", 0);
    extended.put("queue", "celery");
    JsonNode children = CeleryJson.parse("[[[\"" + uniqueId() + "\", null], null]]");
    ResultMeta meta =
        success(id, List.of(5, "five", Collections.singletonMap("k", null)))
            .withChildren(children)
            .withGroupAndParent(uniqueId(), uniqueId())
            .withExtended(extended);
    backend.store(meta);
    ResultMeta got = backend.get(id).orElseThrow();
    assertThat(got.toJson()).isEqualTo(meta.toJson());
    assertThat(got.taskId()).isEqualTo(id);
    assertThat(got.extended()).isEqualTo(extended);
    assertThat(open().get(id)).map(ResultMeta::toJson).contains(meta.toJson());
  }

  @Test
  void storesFailureWithExceptionAndTraceback() {
    String id = uniqueId();
    backend.store(failure(id));
    ResultMeta got = backend.get(id).orElseThrow();
    assertThat(got.status()).isEqualTo(TaskState.FAILURE);
    assertThat(got.traceback()).isEqualTo("Traceback ...");
    assertThat(got.exception()).isEqualTo(ExceptionInfo.of("builtins", "ValueError", "boom"));
    assertThat(got.dateDone()).isEqualTo("2026-11-24T10:13:08.951568");
  }

  @Test
  void unknownTaskIsPending() {
    assertThat(backend.get(uniqueId())).isEmpty();
  }

  @Test
  void successIsNeverOverwritten() {
    String id = uniqueId();
    backend.store(success(id, 42));
    backend.store(failure(id));
    backend.store(ResultMeta.state(id, TaskState.STARTED, CeleryJson.object()));
    assertThat(backend.get(id)).map(ResultMeta::status).contains(TaskState.SUCCESS);
    assertThat(backend.get(id).orElseThrow().result().asInt()).isEqualTo(42);
  }

  @Test
  void otherStatesAreReplaced() {
    String id = uniqueId();
    backend.store(ResultMeta.state(id, TaskState.STARTED, CeleryJson.object()));
    backend.store(ResultMeta.state(id, "PROGRESS", CeleryJson.object().put("done", 3)));
    assertThat(backend.get(id).orElseThrow().result().get("done").asInt()).isEqualTo(3);
    backend.store(failure(id));
    assertThat(backend.get(id)).map(ResultMeta::status).contains(TaskState.FAILURE);
    backend.store(success(id, "retried"));
    assertThat(backend.get(id)).map(ResultMeta::status).contains(TaskState.SUCCESS);
  }

  @Test
  void awaitReadyCompletesOnTheReadyStateNotBefore() throws Exception {
    String id = uniqueId();
    CompletableFuture<ResultMeta> waiting = backend.awaitReady(id);
    CompletableFuture<ResultMeta> second = backend.awaitReady(id);
    ResultBackend worker = open();
    worker.store(ResultMeta.state(id, TaskState.STARTED, CeleryJson.object()));
    worker.store(ResultMeta.state(id, "PROGRESS", CeleryJson.object().put("done", 1)));
    assertThat(waiting).isNotDone();
    worker.store(success(id, "ok"));
    assertThat(resolve(waiting).status()).isEqualTo(TaskState.SUCCESS);
    assertThat(resolve(waiting).result().asText()).isEqualTo("ok");
    assertThat(resolve(second).status()).isEqualTo(TaskState.SUCCESS);
  }

  @Test
  void awaitReadyCompletesAtOnceWhenAlreadyReady() throws Exception {
    String id = uniqueId();
    backend.store(failure(id));
    assertThat(resolve(backend.awaitReady(id)).status()).isEqualTo(TaskState.FAILURE);
    assertThat(resolve(open().awaitReady(id)).status()).isEqualTo(TaskState.FAILURE);
  }

  @Test
  void cancelledWaitLeavesOtherWaitersIntact() throws Exception {
    String id = uniqueId();
    CompletableFuture<ResultMeta> cancelled = backend.awaitReady(id);
    CompletableFuture<ResultMeta> kept = backend.awaitReady(id);
    cancelled.cancel(true);
    backend.store(success(id, 1));
    assertThat(resolve(kept).status()).isEqualTo(TaskState.SUCCESS);
    assertThat(cancelled).isCancelled();
  }

  @Test
  void forgetDeletesTheResult() {
    String id = uniqueId();
    backend.store(success(id, 1));
    backend.forget(id);
    assertThat(backend.get(id)).isEmpty();
  }

  @Test
  void groupsAreSavedRestoredAndForgotten() {
    String group = uniqueId();
    JsonNode tuple =
        CeleryJson.parse(
            "[[\""
                + group
                + "\", null], [[[\""
                + uniqueId()
                + "\", null], null], [[\""
                + uniqueId()
                + "\", null], null]]]");
    backend.saveGroup(group, tuple);
    assertThat(open().restoreGroup(group)).contains(tuple);
    backend.forgetGroup(group);
    assertThat(backend.restoreGroup(group)).isEmpty();
    assertThat(backend.restoreGroup(uniqueId())).isEmpty();
  }

  private static ChordPart part(String group, int index) {
    return new ChordPart(
        group + "-part-" + index, TaskState.SUCCESS, CeleryJson.toTree(index * 10));
  }

  @Test
  void chordJoinCompletesExactlyOnceInGroupIndexOrder() throws Exception {
    String group = uniqueId();
    int size = 8;
    backend.chordSetSize(group, size);
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      indexes.add(i);
    }
    Collections.shuffle(indexes);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(size);
    List<Future<Optional<List<ChordPart>>>> calls = new ArrayList<>();
    try {
      for (int index : indexes) {
        ResultBackend worker = index % 2 == 0 ? backend : open();
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return worker.chordPartDone(group, index, part(group, index));
                }));
      }
      start.countDown();
      List<List<ChordPart>> completions = new ArrayList<>();
      for (Future<Optional<List<ChordPart>>> call : calls) {
        call.get(timeout().toMillis(), TimeUnit.MILLISECONDS).ifPresent(completions::add);
      }
      assertThat(completions).hasSize(1);
      assertThat(completions.get(0))
          .extracting(ChordPart::taskId)
          .containsExactly(
              indexes.stream().sorted().map(i -> group + "-part-" + i).toArray(String[]::new));
      assertThat(completions.get(0).get(3).result().asInt()).isEqualTo(30);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void chordCountsADuplicatePartOnce() {
    String group = uniqueId();
    backend.chordSetSize(group, 3);
    assertThat(backend.chordPartDone(group, 0, part(group, 0))).isEmpty();
    assertThat(backend.chordPartDone(group, 0, part(group, 0))).isEmpty();
    assertThat(backend.chordPartDone(group, 2, part(group, 2))).isEmpty();
    Optional<List<ChordPart>> done = backend.chordPartDone(group, 1, part(group, 1));
    assertThat(done).isPresent();
    assertThat(done.get())
        .extracting(ChordPart::taskId)
        .containsExactly(group + "-part-0", group + "-part-1", group + "-part-2");
    assertThat(backend.chordPartDone(group, 1, part(group, 1))).isEmpty();
  }

  @Test
  void chordAddTasksRaisesTheTarget() {
    String group = uniqueId();
    backend.chordSetSize(group, 2);
    backend.chordAddTasks(group, 1);
    assertThat(backend.chordPartDone(group, 0, part(group, 0))).isEmpty();
    assertThat(backend.chordPartDone(group, 1, part(group, 1))).isEmpty();
    assertThat(backend.chordPartDone(group, 2, part(group, 2))).map(List::size).contains(3);
  }

  @Test
  void revokedIdsPersistAcrossClientsAndExpire() {
    String kept = uniqueId();
    String shortLived = uniqueId();
    backend.markRevoked(kept, Duration.ofHours(1));
    backend.markRevoked(shortLived, Duration.ofMillis(1500));
    assertThat(backend.revokedIds()).contains(kept, shortLived);
    assertThat(open().revokedIds()).contains(kept, shortLived);
    await()
        .atMost(timeout())
        .untilAsserted(
            () -> assertThat(backend.revokedIds()).contains(kept).doesNotContain(shortLived));
  }
}
