package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Celery's {@code task_soft_time_limit} and {@code task_time_limit} as app-wide defaults. */
class AppTimeLimitTest {
  private static Apium app(String soft, String hard) {
    String url = "memory://" + UUID.randomUUID();
    Apium.Builder b = Apium.builder().withoutEnvironment().broker(url).backend(url);
    if (soft != null) {
      b.config(ApiumConfig.TASK_SOFT_TIME_LIMIT, soft);
    }
    if (hard != null) {
      b.config(ApiumConfig.TASK_TIME_LIMIT, hard);
    }
    return b.build();
  }

  @Test
  void theAppsLimitsApplyToTasksWithoutTheirOwn() {
    try (Apium app = app("0.2", "30")) {
      app.register("t.plain", call -> 1);
      app.register(
          "t.own", TaskOptions.DEFAULTS.withTimeLimits(Duration.ofSeconds(7), null), call -> 1);
      assertThat(app.task("t.plain").options().softTimeLimit()).isEqualTo(Duration.ofMillis(200));
      assertThat(app.task("t.plain").options().timeLimit()).isEqualTo(Duration.ofSeconds(30));
      assertThat(app.task("t.own").options().softTimeLimit()).isEqualTo(Duration.ofSeconds(7));
      assertThat(app.task("t.own").options().timeLimit()).isEqualTo(Duration.ofSeconds(30));
    }
  }

  @Test
  void aTaskOverItsSoftLimitFailsWithSoftTimeLimitExceeded() {
    try (Apium app = app("0.2", null)) {
      app.register(
          "t.sleeps",
          call -> {
            Thread.sleep(60_000);
            return "slept";
          });
      try (Worker worker = app.worker().concurrency(1).start()) {
        AsyncResult<Object> r = app.signature("t.sleeps").delay();
        assertThatThrownBy(() -> r.get(Duration.ofSeconds(10)))
            .isInstanceOfSatisfying(
                TaskFailedException.class,
                e -> assertThat(e.type()).isEqualTo("SoftTimeLimitExceeded"));
      }
    }
  }

  @Test
  void withoutTheSettingsTasksHaveNoLimits() {
    try (Apium app = app(null, "0")) {
      app.register("t.plain", call -> 1);
      assertThat(app.task("t.plain").options().softTimeLimit()).isNull();
      assertThat(app.task("t.plain").options().timeLimit()).isNull();
    }
  }
}
