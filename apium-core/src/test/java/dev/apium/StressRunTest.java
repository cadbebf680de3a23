package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.protocol.ResultMeta;
import dev.apium.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 2,000 tasks, 10% of attempts failing at random (seeded) with a retryable error, 2% with a fatal
 * one, a few always failing: every task ends SUCCESS or FAILURE exactly as its policy says, none
 * PENDING, no attempt executed twice.
 */
class StressRunTest {
  static final int TASKS = 2000;
  static final int MAX_RETRIES = 3;

  /** The outcome of attempt {@code k} of task {@code i}: 0 ok, 1 retryable, 2 fatal. */
  static int[][] plan(long seed) {
    Random random = new Random(seed);
    int[][] plan = new int[TASKS][MAX_RETRIES + 1];
    for (int i = 0; i < TASKS; i++) {
      for (int k = 0; k <= MAX_RETRIES; k++) {
        double x = random.nextDouble();
        plan[i][k] = i % 250 == 7 ? 1 : x < 0.10 ? 1 : x < 0.12 ? 2 : 0;
      }
    }
    return plan;
  }

  @Test
  void everyTaskEndsAsItsPolicySaysAndNoAttemptRunsTwice() {
    int[][] plan = plan(20261124L);
    Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    try (Apium app = TestApps.memory()) {
      app.register(
          "stress.work",
          TaskOptions.DEFAULTS
              .withAutoretryFor(List.of(IOException.class))
              .withMaxRetries(MAX_RETRIES)
              .withDefaultRetryDelay(Duration.ZERO)
              .withAcksLate(true),
          call -> {
            int i = call.arg(0, Integer.class);
            int k = call.context().retries();
            executions
                .computeIfAbsent(call.context().id() + "/" + k, x -> new AtomicInteger())
                .incrementAndGet();
            switch (plan[i][k]) {
              case 1 -> throw new IOException("transient " + i + "/" + k);
              case 2 -> throw new IllegalStateException("fatal " + i + "/" + k);
              default -> {
                return k;
              }
            }
          });
      List<AsyncResult<Object>> results = new ArrayList<>();
      try (Worker worker = app.worker().concurrency(8).start()) {
        for (int i = 0; i < TASKS; i++) {
          results.add(app.signature("stress.work", i).delay());
        }
        verify(plan, results, executions);
      }
    }
  }

  static void verify(
      int[][] plan, List<AsyncResult<Object>> results, Map<String, AtomicInteger> executions) {
    int expectedRuns = 0;
    int failures = 0;
    for (int i = 0; i < TASKS; i++) {
      AsyncResult<Object> r = results.get(i);
      try {
        r.get(Duration.ofSeconds(30));
      } catch (TaskFailedException e) {
        // checked below
      }
      ResultMeta meta = r.meta().orElseThrow();
      int k = 0;
      while (k < MAX_RETRIES && plan[i][k] == 1) {
        k++;
      }
      expectedRuns += k + 1;
      if (plan[i][k] == 0) {
        assertThat(meta.status()).as("task %d", i).isEqualTo("SUCCESS");
        assertThat(meta.result().asInt()).as("task %d", i).isEqualTo(k);
      } else {
        failures++;
        assertThat(meta.status()).as("task %d", i).isEqualTo("FAILURE");
        assertThat(meta.result().get("exc_type").asText())
            .isEqualTo(plan[i][k] == 1 ? "IOException" : "IllegalStateException");
      }
      for (int a = 0; a <= k; a++) {
        assertThat(executions.get(r.id() + "/" + a)).as("task %d attempt %d", i, a).hasValue(1);
      }
    }
    assertThat(executions).hasSize(expectedRuns);
    assertThat(failures).isBetween(20, 200);
  }
}
