package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.TaskFailedException;
import dev.apium.TaskOptions;
import dev.apium.protocol.ResultMeta;
import dev.apium.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 2,000 tasks on real Redis (db 15, own key prefix), 10% of attempts failing at random (seeded)
 * with a retryable error, 2% fatally, a few always: every task ends SUCCESS or FAILURE as its
 * policy says, none PENDING, no attempt executed twice; two workers share the queue.
 */
class RedisStressIT {
  static final int TASKS = 2000;
  static final int MAX_RETRIES = 3;

  @Test
  void everyTaskEndsAsItsPolicySaysAndNoAttemptRunsTwice() {
    Random random = new Random(20261124L);
    int[][] plan = new int[TASKS][MAX_RETRIES + 1];
    for (int i = 0; i < TASKS; i++) {
      for (int k = 0; k <= MAX_RETRIES; k++) {
        double x = random.nextDouble();
        plan[i][k] = i % 250 == 7 ? 1 : x < 0.10 ? 1 : x < 0.12 ? 2 : 0;
      }
    }
    Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    String prefix = "stress-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    List<Apium> apps = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      Apium app =
          Apium.builder()
              .withoutEnvironment()
              .broker(ExecutionSemanticsIT.REDIS)
              .backend(ExecutionSemanticsIT.REDIS)
              .config("global_keyprefix", prefix)
              .build();
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
      apps.add(app);
    }
    Apium client = apps.get(0);
    try (Worker w1 = apps.get(1).worker().nodename("w1@stress").concurrency(4).start();
        Worker w2 = apps.get(2).worker().nodename("w2@stress").concurrency(4).start()) {
      List<AsyncResult<Object>> results = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        results.add(client.signature("stress.work", i).delay());
      }
      int expectedRuns = 0;
      int failures = 0;
      for (int i = 0; i < TASKS; i++) {
        AsyncResult<Object> r = results.get(i);
        try {
          r.get(Duration.ofSeconds(60));
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
        }
        for (int a = 0; a <= k; a++) {
          assertThat(executions.get(r.id() + "/" + a)).as("task %d attempt %d", i, a).hasValue(1);
        }
      }
      assertThat(executions).hasSize(expectedRuns);
      assertThat(failures).isBetween(20, 200);
    } finally {
      apps.forEach(Apium::close);
    }
  }
}
