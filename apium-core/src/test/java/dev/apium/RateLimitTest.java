package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-worker rate limits: token bucket, no pool thread held, other types unaffected, live change.
 */
class RateLimitTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void limitedTasksWaitWithoutBlockingOthersAndTheLimitChangesAtRunTime() {
    AtomicInteger runs = new AtomicInteger();
    app.register(
        "t.limited", TaskOptions.DEFAULTS.withRateLimit("1/h"), call -> runs.incrementAndGet());
    app.register("t.free", call -> "free");
    try (Worker worker = app.worker().nodename("w@test").concurrency(1).start()) {
      List<AsyncResult<Object>> limited =
          IntStream.range(0, 4).mapToObj(i -> app.signature("t.limited").delay()).toList();
      // One token (capacity 1, as Celery): one runs, three wait without a pool thread.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> worker.rateLimited() == 3 && runs.get() == 1);
      // Nothing holds the only pool thread while three tasks wait for tokens.
      await().atMost(Duration.ofSeconds(5)).until(() -> worker.active() == 0);
      assertThat(worker.rateLimited()).isEqualTo(3);
      for (int i = 0; i < 5; i++) {
        assertThat(app.signature("t.free").delay().get(Duration.ofSeconds(5))).isEqualTo("free");
      }
      assertThat(runs).hasValue(1);
      Map<String, JsonNode> replies =
          app.control().rateLimit("t.limited", "1000/s", List.of("w@test"), Duration.ofSeconds(5));
      assertThat(replies.get("w@test").get("ok").asText())
          .isEqualTo("new rate limit set successfully");
      for (AsyncResult<Object> r : limited) {
        r.get(Duration.ofSeconds(5));
      }
      assertThat(runs).hasValue(4);
      assertThat(worker.rateLimited()).isZero();
      assertThat(
              app.control()
                  .rateLimit("t.unknown", "1/s", List.of("w@test"), Duration.ofSeconds(5))
                  .get("w@test")
                  .get("error")
                  .asText())
          .isEqualTo("unknown task");
      assertThat(
              app.control()
                  .rateLimit("t.limited", null, List.of("w@test"), Duration.ofSeconds(5))
                  .get("w@test")
                  .get("ok")
                  .asText())
          .isEqualTo("rate limit disabled successfully");
    }
  }

  @Test
  void warmShutdownReturnsWaitingTasks() {
    AtomicInteger runs = new AtomicInteger();
    app.register(
        "t.limited", TaskOptions.DEFAULTS.withRateLimit("1/h"), call -> runs.incrementAndGet());
    Worker worker = app.worker().concurrency(2).start();
    List<AsyncResult<Object>> sent =
        IntStream.range(0, 3).mapToObj(i -> app.signature("t.limited").delay()).toList();
    await().atMost(Duration.ofSeconds(5)).until(() -> worker.rateLimited() == 2 && runs.get() == 1);
    worker.stop(Duration.ofSeconds(5));
    assertThat(app.broker().size("celery")).isEqualTo(2);
    assertThat(sent.stream().filter(AsyncResult::successful).count()).isEqualTo(1);
  }
}
