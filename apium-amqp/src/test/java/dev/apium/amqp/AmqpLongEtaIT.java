package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * RabbitMQ closes a channel whose delivery stays unacknowledged past its consumer timeout, which
 * breaks Celery's long countdowns. On a private node with the timeout lowered to 20 s, a task with
 * a 90 s ETA runs exactly once and on time, and a short ETA is still held in memory as Celery does.
 */
class AmqpLongEtaIT {
  @Test
  void etaWellPastTheConsumerTimeoutRunsOnceOnTime() throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode()) {
      node.start();
      node.setConsumerTimeout(Duration.ofSeconds(20));
      List<Instant> longRuns = new CopyOnWriteArrayList<>();
      List<Instant> shortRuns = new CopyOnWriteArrayList<>();
      try (Apium app =
          Apium.builder()
              .withoutEnvironment()
              .broker(node.url())
              .backend("rpc://")
              .config("worker_eta_defer_after", "10")
              .build()) {
        app.register("eta.long", call -> longRuns.add(Instant.now()));
        app.register("eta.short", call -> shortRuns.add(Instant.now()));
        try (Worker worker = app.worker().concurrency(2).start()) {
          Instant sent = Instant.now();
          AsyncResult<Object> longEta =
              app.signature("eta.long")
                  .applyAsync(CallOptions.create().countdown(Duration.ofSeconds(90)));
          AsyncResult<Object> shortEta =
              app.signature("eta.short")
                  .applyAsync(CallOptions.create().countdown(Duration.ofSeconds(3)));
          shortEta.get(Duration.ofSeconds(30));
          longEta.get(Duration.ofSeconds(150));
          assertThat(shortRuns).hasSize(1);
          assertThat(shortRuns.get(0)).isAfterOrEqualTo(sent.plusSeconds(3));
          assertThat(longRuns).hasSize(1);
          assertThat(longRuns.get(0))
              .isAfterOrEqualTo(sent.plusSeconds(90))
              .isBefore(sent.plusSeconds(100));
          assertThat(worker.processed()).isEqualTo(2);
        }
      }
    }
  }
}
