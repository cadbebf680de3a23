package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 4 acceptance: RabbitMQ restarts mid-batch (durable queue, persistent messages) on a private
 * node; the worker recovers by itself and every task completes, at least once each. Results live in
 * Redis db 14 under the tasks' unique ids, so they survive the broker restart.
 */
class AmqpWorkerRestartIT {
  private static final int TASKS = 2000;

  @Test
  void everyTaskCompletesAcrossABrokerRestart() throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode()) {
      node.start();
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      AtomicInteger executions = new AtomicInteger();
      try (Apium worker = app(node);
          Apium client = app(node)) {
        worker.register(
            "restart.square",
            call -> {
              runs.computeIfAbsent(call.context().id(), id -> new AtomicInteger())
                  .incrementAndGet();
              executions.incrementAndGet();
              Thread.sleep(20); // simulated work, so the batch is still running at the restart
              int n = call.arg(0, Integer.class);
              return n * n;
            });
        List<AsyncResult<Object>> results = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
          results.add(client.send("restart.square", i));
        }
        Worker running = worker.worker().concurrency(4).start();
        try {
          await().atMost(Duration.ofSeconds(30)).until(() -> executions.get() >= 300);
          node.stop();
          int atStop = executions.get();
          assertThat(atStop).isLessThan(TASKS);
          node.start();

          for (int i = 0; i < TASKS; i++) {
            assertThat(results.get(i).get(Duration.ofSeconds(60))).isEqualTo(i * i);
          }
          for (AsyncResult<Object> result : results) {
            assertThat(runs.get(result.id())).as("runs of %s", result.id()).isNotNull();
          }
          assertThat(runs).hasSize(TASKS);
        } finally {
          running.stop(Duration.ofSeconds(10));
        }
      }
    }
  }

  private static Apium app(PrivateRabbitNode node) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(node.url())
        .backend("redis://127.0.0.1:6379/14")
        .config("result_expires", 600)
        .build();
  }
}
