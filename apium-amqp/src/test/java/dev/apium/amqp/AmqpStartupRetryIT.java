package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker started 10 s before its RabbitMQ node (a private one, started later by the test) waits
 * for it with Celery's start-up retries and runs tasks once the node is up.
 */
class AmqpStartupRetryIT {
  @Test
  void workerStartedBeforeItsNodeRunsTasksOnceItIsUp() throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode();
        Apium app =
            Apium.builder().withoutEnvironment().broker(node.url()).backend("rpc://").build()) {
      app.register("late.add", Integer.class, Integer.class, Integer::sum);
      long started = System.nanoTime();
      CompletableFuture<Worker> worker =
          CompletableFuture.supplyAsync(() -> app.worker().concurrency(1).start());
      await()
          .pollDelay(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(20))
          .until(() -> !worker.isDone());
      assertThat(System.nanoTime() - started).isGreaterThan(Duration.ofSeconds(10).toNanos());
      node.start();
      try (Worker running = worker.get(120, TimeUnit.SECONDS)) {
        assertThat(app.send("late.add", 2, 3).get(Duration.ofSeconds(30))).isEqualTo(5);
      }
    }
  }
}
