package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code context.retry(Duration)}: a retry with a delay and no exception behind it. */
class RetryDurationTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void retriesAfterTheDelayUntilTheTaskSucceeds() {
    List<Long> runs = new CopyOnWriteArrayList<>();
    app.register(
        "t.notYet",
        call -> {
          runs.add(System.nanoTime());
          if (call.context().retries() < 2) {
            throw call.context().retry(Duration.ofMillis(300));
          }
          return "ready after " + call.context().retries();
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<String> r = app.signature("t.notYet").delay(String.class);
      assertThat(r.get(Duration.ofSeconds(10))).isEqualTo("ready after 2");
    }
    assertThat(runs).hasSize(3);
    for (int i = 1; i < runs.size(); i++) {
      assertThat(Duration.ofNanos(runs.get(i) - runs.get(i - 1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }
  }

  @Test
  void pastItsRetriesTheTaskFailsWithMaxRetriesExceeded() {
    app.register(
        "t.never",
        TaskOptions.DEFAULTS.withMaxRetries(1),
        call -> {
          throw call.context().retry(Duration.ZERO);
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("t.never").delay();
      assertThatThrownBy(() -> r.get(Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> assertThat(e.type()).isEqualTo("MaxRetriesExceededError"));
    }
  }

  @Test
  void aNegativeDelayIsRefusedWithTheFix() {
    app.register(
        "t.negative",
        call -> {
          throw call.context().retry(Duration.ofSeconds(-1));
        });
    try (Worker worker = app.worker().concurrency(1).start()) {
      AsyncResult<Object> r = app.signature("t.negative").delay();
      assertThatThrownBy(() -> r.get(Duration.ofSeconds(10)))
          .isInstanceOfSatisfying(
              TaskFailedException.class,
              e -> assertThat(e.remoteMessage()).contains("retry countdown must be zero or more"));
    }
  }
}
