package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.TaskOptions;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker told to stop while its RabbitMQ is down (a private node, SIGKILLed) stops within
 * seconds: its {@code worker-offline} event gets a bounded wait instead of the publisher's wait for
 * the connection's recovery (30 s), and its prefetched messages are left to RabbitMQ, which
 * requeues them with the lost connection. Once the node is back, the next worker runs every task.
 */
class AmqpStopWhileDownIT {
  private static final Duration STOP_BOUND = Duration.ofSeconds(10);

  @Test
  void aWarmStopAfterRabbitMqCrashedIsQuickAndLosesNothing() throws Exception {
    try (PrivateRabbitNode node = new PrivateRabbitNode()) {
      node.start();
      Set<String> ranBefore = ConcurrentHashMap.newKeySet();
      CountDownLatch gate = new CountDownLatch(1);
      Set<String> sent = ConcurrentHashMap.newKeySet();
      Apium first = app(node, ranBefore, gate);
      Worker worker = first.worker().concurrency(1).prefetchMultiplier(8).start();
      for (int i = 0; i < 8; i++) {
        sent.add(first.send("t.gated").id());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> worker.active() == 1 && worker.reserved() == 7);

      node.kill();
      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(
              () -> {
                worker.stop(Duration.ofSeconds(30));
                first.close();
              });
      await().atMost(STOP_BOUND).until(() -> worker.reserved() == 0);
      gate.countDown();
      stopping.get(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);

      node.start();
      Set<String> ranAfter = ConcurrentHashMap.newKeySet();
      try (Apium second = app(node, ranAfter, new CountDownLatch(0));
          Worker next = second.worker().concurrency(2).start()) {
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  Set<String> ran = ConcurrentHashMap.newKeySet();
                  ran.addAll(ranBefore);
                  ran.addAll(ranAfter);
                  assertThat(ran).containsAll(sent);
                });
      }
    }
  }

  private static Apium app(PrivateRabbitNode node, Set<String> ran, CountDownLatch gate) {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(node.url())
            .backend("redis://127.0.0.1:6379/14")
            .build();
    app.register(
        "t.gated",
        TaskOptions.DEFAULTS.withIgnoreResult(true),
        call -> {
          ran.add(call.context().id());
          gate.await(30, TimeUnit.SECONDS);
          return null;
        });
    return app;
  }
}
