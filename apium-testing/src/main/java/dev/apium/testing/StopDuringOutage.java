package dev.apium.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.TaskOptions;
import dev.apium.spi.Threads;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The transports' shared check that a worker stopped during a broker outage stops within {@link
 * #STOP_BOUND} and loses nothing: one worker (concurrency 1, prefetch 8) holds one running gated
 * task and 7 prefetched ones; the outage starts; the worker is told to stop (warm) and its app
 * closed; the running task is let finish once the prefetched ones were handed back; the broker
 * comes back and a second worker must run every task. Runs on the test's thread.
 */
public final class StopDuringOutage {
  /** How long the stop and the app's close may take together. */
  public static final Duration STOP_BOUND = Duration.ofSeconds(10);

  private static final String TASK = "t.gated";
  private static final int TASKS = 8;

  /** One step of the scenario, given the first worker's app. */
  public interface Step {
    void run(Apium first) throws Exception;
  }

  private StopDuringOutage() {}

  /**
   * @param first the app whose worker is stopped during the outage
   * @param outage makes the broker unreachable (and may wait until the app noticed)
   * @param recovery makes it reachable again
   * @param next the app of the worker that must then run every task
   */
  public static void check(Supplier<Apium> first, Step outage, Step recovery, Supplier<Apium> next)
      throws Exception {
    Set<String> ran = ConcurrentHashMap.newKeySet();
    CountDownLatch gate = new CountDownLatch(1);
    Set<String> sent = ConcurrentHashMap.newKeySet();
    Apium app = gated(first.get(), ran, gate);
    Worker worker = app.worker().concurrency(1).prefetchMultiplier(TASKS).start();
    for (int i = 0; i < TASKS; i++) {
      sent.add(app.send(TASK).id());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> worker.active() == 1 && worker.reserved() == TASKS - 1);

    outage.run(app);
    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(
            () -> {
              worker.stop(Duration.ofSeconds(30));
              app.close();
            });
    // The prefetched messages are handed back (or left for the broker or the reaper) before the
    // running task is let finish.
    try {
      await().atMost(STOP_BOUND).until(() -> worker.reserved() == 0);
      gate.countDown();
      stopping.get(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ConditionTimeoutException e) {
      Threads.printAll(System.err);
      throw e;
    }

    recovery.run(app);
    try (Apium second = gated(next.get(), ran, new CountDownLatch(0));
        Worker again = second.worker().concurrency(2).start()) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ran).containsAll(sent));
    }
  }

  private static Apium gated(Apium app, Set<String> ran, CountDownLatch gate) {
    app.register(
        TASK,
        TaskOptions.DEFAULTS.withIgnoreResult(true),
        call -> {
          ran.add(call.context().id());
          gate.await(30, TimeUnit.SECONDS);
          return null;
        });
    return app;
  }
}
