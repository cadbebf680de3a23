package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The worker rules of the foundation issue, each on its own memory:// namespace. */
class WorkerBehaviourTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void countdownTaskDoesNotRunEarly() {
    Map<String, Instant> ranAt = new ConcurrentHashMap<>();
    app.register("t.stamp", call -> ranAt.put(call.context().id(), Instant.now()));
    try (Worker worker = app.worker().concurrency(2).start()) {
      Instant sentAt = Instant.now();
      AsyncResult<Object> r =
          app.signature("t.stamp")
              .applyAsync(CallOptions.create().countdown(Duration.ofMillis(800)));
      AsyncResult<Object> eta =
          app.signature("t.stamp").applyAsync(CallOptions.create().eta(sentAt.plusMillis(500)));
      AsyncResult<Object> now = app.signature("t.stamp").delay();
      now.get(Duration.ofSeconds(5));
      assertThat(worker.scheduled()).isGreaterThanOrEqualTo(1);
      r.get(Duration.ofSeconds(5));
      eta.get(Duration.ofSeconds(5));
      assertThat(ranAt.get(r.id())).isAfterOrEqualTo(sentAt.plusMillis(800));
      assertThat(ranAt.get(eta.id())).isAfterOrEqualTo(sentAt.plusMillis(500));
    }
  }

  @Test
  void expiredTaskIsNotRunAndIsRevoked() {
    AtomicInteger runs = new AtomicInteger();
    app.register("t.count", call -> runs.incrementAndGet());
    AsyncResult<Object> expired =
        app.signature("t.count")
            .applyAsync(CallOptions.create().expires(Instant.now().minusSeconds(1)));
    try (Worker worker = app.worker().concurrency(1).start()) {
      assertThatThrownBy(() -> expired.get(Duration.ofSeconds(5)))
          .isInstanceOf(TaskFailedException.class)
          .hasMessageContaining("TaskRevokedError")
          .hasMessageContaining("expired");
      assertThat(expired.state()).isEqualTo(TaskState.REVOKED);
      assertThat(runs).hasValue(0);
    }
  }

  @Test
  void failureComesBackTypedWithMessage() {
    app.register(new MathTasks());
    app.register(
        "t.python_error",
        call -> {
          throw new TaskError("ValueError", "bad input " + call.arg(0, String.class));
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> divide = app.signature("math.divide", 1, 0).delay();
      assertThatThrownBy(() -> divide.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> {
                assertThat(e.type()).isEqualTo("ArithmeticException");
                assertThat(e.module()).isEqualTo("java.lang");
                assertThat(e.remoteMessage()).isEqualTo("/ by zero");
                assertThat(e.remoteTraceback()).contains("MathTasks.divide");
              });
      assertThat(divide.failed()).isTrue();
      assertThat(divide.exception().type()).isEqualTo("ArithmeticException");
      AsyncResult<Object> python = app.signature("t.python_error", "x").delay();
      assertThatThrownBy(() -> python.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> {
                assertThat(e.type()).isEqualTo("ValueError");
                assertThat(e.module()).isEqualTo("builtins");
                assertThat(e.remoteMessage()).isEqualTo("bad input x");
              });
    }
  }

  @Test
  void unknownTaskFailsWithNotRegisteredAndIsNotRedelivered() {
    app.register("t.known", call -> "ok");
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> unknown = app.send("t.nobody_has_this", 1);
      assertThatThrownBy(() -> unknown.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class, e -> assertThat(e.type()).isEqualTo("NotRegistered"));
      assertThat(app.signature("t.known").delay().get(Duration.ofSeconds(5))).isEqualTo("ok");
      assertThat(app.broker().size("celery")).isZero();
      assertThat(worker.failures()).isEqualTo(1);
    }
  }

  @Test
  void argumentsBindByPositionNameAndType() {
    app.register(new MathTasks());
    try (Worker worker = app.worker().concurrency(2).start()) {
      assertThat(app.send("math.add", List.of(2), Map.of("y", 40), null).get(Duration.ofSeconds(5)))
          .isEqualTo(42);
      assertThat(
              app.signature("math.norm1", Map.of("x", -3, "y", 4))
                  .delay(Integer.class)
                  .get(Duration.ofSeconds(5)))
          .isEqualTo(7);
      assertThat(
              app.signature("math.sum", List.of(1, 2, 3_000_000_000L))
                  .delay(Long.class)
                  .get(Duration.ofSeconds(5)))
          .isEqualTo(3_000_000_003L);
      assertThat(app.signature("math.scale", 1.5, 2).delay(Double.class).get(Duration.ofSeconds(5)))
          .isEqualTo(3.0);
      AsyncResult<Object> wrong = app.signature("math.add", 1, 2, 3).delay();
      assertThatThrownBy(() -> wrong.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> {
                assertThat(e.type()).isEqualTo("TypeError");
                assertThat(e.module()).isEqualTo("builtins");
                assertThat(e.remoteMessage())
                    .isEqualTo("add() takes 2 positional arguments but 3 were given");
              });
    }
  }

  @Test
  void acksLateTaskStoppedMidRunIsDeliveredAgain() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger attempts = new AtomicInteger();
    app.register(
        "t.slow",
        TaskOptions.DEFAULTS.withAcksLate(true),
        call -> {
          if (attempts.incrementAndGet() == 1) {
            started.countDown();
            Thread.sleep(60_000); // interrupted by the cold shutdown below
          }
          return "done on attempt " + attempts.get();
        });
    AsyncResult<Object> result;
    Worker first = app.worker().concurrency(1).nodename("first@test").start();
    result = app.signature("t.slow").delay();
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
    first.stopNow();
    assertThat(result.state()).isEqualTo(TaskState.PENDING);
    try (Worker second = app.worker().concurrency(1).nodename("second@test").start()) {
      assertThat(result.get(Duration.ofSeconds(5))).isEqualTo("done on attempt 2");
    }
  }

  @Test
  void warmShutdownReturnsEveryPrefetchedMessage() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Map<String, String> ranOn = new ConcurrentHashMap<>();
    app.register(
        "t.gate",
        call -> {
          release.await(10, TimeUnit.SECONDS);
          ranOn.put(call.context().id(), call.context().hostname());
          return call.arg(0, Integer.class);
        });
    Worker first = app.worker().concurrency(1).prefetchMultiplier(4).nodename("first@test").start();
    List<AsyncResult<Object>> results =
        java.util.stream.IntStream.range(0, 12)
            .mapToObj(i -> app.signature("t.gate", i).delay())
            .toList();
    await().atMost(Duration.ofSeconds(5)).until(() -> first.active() == 1);
    Thread stopper = new Thread(() -> first.stop(Duration.ofSeconds(10)));
    stopper.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> !first.isRunning());
    release.countDown();
    stopper.join(10_000);
    try (Worker second = app.worker().concurrency(2).nodename("second@test").start()) {
      for (int i = 0; i < results.size(); i++) {
        assertThat(results.get(i).get(Duration.ofSeconds(10))).isEqualTo(i);
      }
    }
    assertThat(ranOn).hasSize(12);
    assertThat(ranOn.values()).containsOnly("first@test", "second@test").contains("second@test");
    assertThat(ranOn.values().stream().filter("first@test"::equals).count()).isEqualTo(1);
  }

  @Test
  void storedMetaHasCeleryShape() {
    app.register(new MathTasks());
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("math.add", 2, 3).delay();
      assertThat(r.get(Duration.ofSeconds(5))).isEqualTo(5);
      ResultMeta meta = r.meta().orElseThrow();
      assertThat(meta.status()).isEqualTo("SUCCESS");
      assertThat(meta.taskId()).isEqualTo(r.id());
      // Celery 5.3+'s timezone-aware form (result_date_done_naive=true gives 5.2.6's naive one)
      assertThat(meta.dateDone())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?[+-]\\d\\d:\\d\\d");
      assertThat(meta.toJson().fieldNames()).toIterable().last().isEqualTo("task_id");
      r.forget();
      assertThat(r.state()).isEqualTo(TaskState.PENDING);
    }
  }
}
