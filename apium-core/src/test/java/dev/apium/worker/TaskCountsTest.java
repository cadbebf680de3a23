package dev.apium.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskFailedException;
import dev.apium.protocol.WireMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every task a worker receives ends in exactly one of its counts, on every settling path. */
class TaskCountsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final String url = "memory://" + UUID.randomUUID();
  private final Apium app = Apium.builder().withoutEnvironment().broker(url).backend(url).build();

  @AfterEach
  void close() {
    app.close();
  }

  private static void awaitCounts(Worker worker, TaskCounts expected) {
    await().atMost(WAIT).until(() -> worker.counts().total() >= expected.total());
    assertThat(worker.counts()).isEqualTo(expected);
  }

  @Test
  void successAndIgnoredResultCountAsProcessed() {
    app.register("t.ok", call -> "ok");
    try (Worker worker = app.worker().concurrency(1).start()) {
      assertThat(app.signature("t.ok").delay().get(WAIT)).isEqualTo("ok");
      app.signature("t.ok").applyAsync(CallOptions.create().ignoreResult(true));
      awaitCounts(worker, new TaskCounts(2, 0, 0, 0));
      assertThat(worker.processed()).isEqualTo(2);
    }
  }

  @Test
  void failureCountsOnceAsFailed() {
    app.register(
        "t.bad",
        call -> {
          throw new IllegalStateException("boom");
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("t.bad").delay();
      assertThatThrownBy(() -> r.get(WAIT)).isInstanceOf(TaskFailedException.class);
      awaitCounts(worker, new TaskCounts(0, 1, 0, 0));
      assertThat(worker.failures()).isEqualTo(1);
    }
  }

  @Test
  void aRetryEndsItsRunAsProcessedAndTheRetriedRunCountsAgain() {
    AtomicInteger runs = new AtomicInteger();
    app.register(
        "t.flaky",
        call -> {
          if (runs.incrementAndGet() == 1) {
            throw call.context().retry(Duration.ofMillis(10), null);
          }
          return "second time";
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      assertThat(app.signature("t.flaky").delay().get(WAIT)).isEqualTo("second time");
      awaitCounts(worker, new TaskCounts(2, 0, 0, 0));
    }
  }

  @Test
  void aReplacedTaskCountsAsProcessed() {
    app.register("t.ok", call -> "ok");
    app.register(
        "t.swap",
        call -> {
          throw call.context().replace(app.signature("t.ok"));
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      assertThat(app.signature("t.swap").delay().get(WAIT)).isEqualTo("ok");
      awaitCounts(worker, new TaskCounts(2, 0, 0, 0));
    }
  }

  @Test
  void revokedBeforeStartCountsAsRevoked() {
    AtomicInteger runs = new AtomicInteger();
    app.register("t.count", call -> runs.incrementAndGet());
    String id = UUID.randomUUID().toString();
    try (Worker worker = app.worker().concurrency(1).start()) {
      app.control().revoke(id);
      await().atMost(WAIT).until(() -> worker.revoked().contains(id));
      AsyncResult<Object> r =
          app.send("t.count", List.of(), Map.of(), CallOptions.create().taskId(id));
      assertThatThrownBy(() -> r.get(WAIT)).isInstanceOf(TaskFailedException.class);
      awaitCounts(worker, new TaskCounts(0, 0, 1, 0));
    }
    assertThat(runs).hasValue(0);
  }

  @Test
  void expiredBeforeStartCountsAsRevoked() {
    app.register("t.ok", call -> "ok");
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r =
          app.signature("t.ok")
              .applyAsync(CallOptions.create().expires(Instant.now().minusSeconds(60)));
      assertThatThrownBy(() -> r.get(WAIT)).isInstanceOf(TaskFailedException.class);
      awaitCounts(worker, new TaskCounts(0, 0, 1, 0));
    }
  }

  @Test
  void terminatedCountsOnceAsRevoked() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    app.register(
        "t.long",
        call -> {
          started.countDown();
          Thread.sleep(60_000); // the work that terminate interrupts
          return "finished";
        });
    try (Worker worker = app.worker().nodename("a@test").concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("t.long").delay();
      assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
      app.control().revoke(r.id(), true, List.of("a@test"), WAIT);
      assertThatThrownBy(() -> r.get(WAIT)).isInstanceOf(TaskFailedException.class);
      await().atMost(WAIT).until(() -> worker.active() == 0);
      awaitCounts(worker, new TaskCounts(0, 0, 1, 0));
    }
  }

  @Test
  void hardTimeLimitCountsOnceAsFailed() {
    AtomicBoolean release = new AtomicBoolean();
    CountDownLatch returned = new CountDownLatch(1);
    app.register(
        "t.stuck",
        call -> {
          try {
            while (!release.get()) {
              LockSupport.parkNanos(1_000_000); // ignores interrupts
            }
            return "late result";
          } finally {
            returned.countDown();
          }
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r =
          app.signature("t.stuck")
              .applyAsync(CallOptions.create().timeLimit(Duration.ofMillis(200)));
      assertThatThrownBy(() -> r.get(WAIT)).isInstanceOf(TaskFailedException.class);
      release.set(true);
      await().atMost(WAIT).until(() -> returned.getCount() == 0 && worker.active() == 0);
      awaitCounts(worker, new TaskCounts(0, 1, 0, 0));
    }
  }

  @Test
  void unregisteredCountsOnceAsFailed() {
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r = app.send("t.nobody_has_this", 1);
      assertThatThrownBy(() -> r.get(WAIT)).isInstanceOf(TaskFailedException.class);
      awaitCounts(worker, new TaskCounts(0, 1, 0, 0));
    }
  }

  @Test
  void anUnreadableMessageCountsAsRejected() {
    try (Worker worker = app.worker().concurrency(1).start()) {
      app.broker()
          .publish(
              "celery",
              WireMessage.json(Map.of(), Map.of(), "{}".getBytes(StandardCharsets.UTF_8)));
      awaitCounts(worker, new TaskCounts(0, 0, 0, 1));
      assertThat(worker.rejected()).isEqualTo(1);
      assertThat(app.broker().size("celery")).isZero();
    }
  }
}
