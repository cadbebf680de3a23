package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.apium.protocol.ResultMeta;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Soft and hard time limits, per task and per call. */
class TimeLimitTest {
  private final Apium app = TestApps.memory();
  private final AtomicBoolean release = new AtomicBoolean();

  @AfterEach
  void close() {
    release.set(true);
    app.close();
  }

  @Test
  void softLimitInterruptsTheTaskWhichMayCleanUp() {
    app.register(
        "t.cleans",
        TaskOptions.DEFAULTS.withTimeLimits(Duration.ofMillis(200), null),
        call -> {
          try {
            Thread.sleep(60_000);
            return "slept";
          } catch (InterruptedException e) {
            return "cleaned up, soft=" + call.context().softTimeLimitExceeded();
          }
        });
    app.register(
        "t.gives_up",
        TaskOptions.DEFAULTS.withTimeLimits(Duration.ofMillis(200), null),
        call -> {
          Thread.sleep(60_000);
          return "slept";
        });
    app.register(
        "t.polls",
        TaskOptions.DEFAULTS.withTimeLimits(Duration.ofMillis(200), null),
        call -> {
          while (true) {
            call.context().checkSoftTimeLimit();
            LockSupport.parkNanos(1_000_000);
          }
        });
    try (Worker worker = app.worker().concurrency(3).start()) {
      AsyncResult<Object> cleans = app.signature("t.cleans").delay();
      AsyncResult<Object> givesUp = app.signature("t.gives_up").delay();
      AsyncResult<Object> polls = app.signature("t.polls").delay();
      assertThat(cleans.get(Duration.ofSeconds(5))).isEqualTo("cleaned up, soft=true");
      for (AsyncResult<Object> r : java.util.List.of(givesUp, polls)) {
        assertThatThrownBy(() -> r.get(Duration.ofSeconds(5)))
            .isInstanceOfSatisfying(
                TaskFailedException.class,
                e -> {
                  assertThat(e.type()).isEqualTo("SoftTimeLimitExceeded");
                  assertThat(e.module()).isEqualTo("celery.exceptions");
                });
      }
    }
  }

  @Test
  void perCallSoftLimitComesFromTheTimelimitHeader() {
    app.register(
        "t.sleeps",
        call -> {
          Thread.sleep(60_000);
          return "slept";
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r =
          app.signature("t.sleeps")
              .applyAsync(CallOptions.create().softTimeLimit(Duration.ofMillis(150)));
      assertThatThrownBy(() -> r.get(Duration.ofSeconds(5)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> assertThat(e.type()).isEqualTo("SoftTimeLimitExceeded"));
    }
  }

  @Test
  void hardLimitFailsAStuckTaskAndReplacesItsSlot() throws Exception {
    AtomicInteger stuckRuns = new AtomicInteger();
    CountDownLatch stuckReturned = new CountDownLatch(1);
    app.register(
        "t.stuck",
        TaskOptions.DEFAULTS.withAcksLate(true),
        call -> {
          stuckRuns.incrementAndGet();
          try {
            while (!release.get()) {
              LockSupport.parkNanos(1_000_000); // ignores interrupts
            }
            return "late result";
          } finally {
            stuckReturned.countDown();
          }
        });
    app.register("t.quick", call -> "quick");
    Worker worker = app.worker().concurrency(1).start();
    AsyncResult<Object> stuck =
        app.signature("t.stuck").applyAsync(CallOptions.create().timeLimit(Duration.ofMillis(300)));
    assertThatThrownBy(() -> stuck.get(Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(
            TaskFailedException.class,
            e -> {
              assertThat(e.type()).isEqualTo("TimeLimitExceeded");
              assertThat(e.module()).isEqualTo("celery.exceptions");
            });
    ResultMeta meta = stuck.meta().orElseThrow();
    assertThat(meta.result().get("exc_message").toString()).isEqualTo("[0.3]");
    // The only slot is held by a thread that ignores interrupts, yet new work runs.
    assertThat(app.signature("t.quick").delay().get(Duration.ofSeconds(5))).isEqualTo("quick");
    assertThat(app.signature("t.quick").delay().get(Duration.ofSeconds(5))).isEqualTo("quick");
    release.set(true);
    assertThat(stuckReturned.await(5, TimeUnit.SECONDS)).isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.active() == 0);
    assertThat(stuck.state()).isEqualTo("FAILURE");
    worker.stop(Duration.ofSeconds(5));
    // acked at the limit: a new worker does not run it again.
    try (Worker second = app.worker().concurrency(1).start()) {
      assertThat(app.signature("t.quick").delay().get(Duration.ofSeconds(5))).isEqualTo("quick");
    }
    assertThat(stuckRuns).hasValue(1);
    assertThat(app.broker().size("celery")).isZero();
  }
}
