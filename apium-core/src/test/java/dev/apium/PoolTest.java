package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.apium.worker.Worker;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pools: {@code -c} bounds the tasks run at once on both kinds, autoscale grows when busy and
 * shrinks when idle; virtual threads on Java 21+.
 */
class PoolTest {
  private final Apium app = TestApps.memory();

  @AfterEach
  void close() {
    app.close();
  }

  @Test
  void autoscaleGrowsWhenBusyAndShrinksWhenIdle() throws Exception {
    CountDownLatch allRunning = new CountDownLatch(4);
    CountDownLatch release = new CountDownLatch(1);
    app.register(
        "t.block",
        call -> {
          allRunning.countDown();
          return release.await(10, TimeUnit.SECONDS);
        });
    try (Worker worker = app.worker().autoscale(4, 1, Duration.ofMillis(200)).start()) {
      assertThat(worker.poolSize()).isEqualTo(1);
      List<AsyncResult<Object>> sent =
          IntStream.range(0, 4).mapToObj(i -> app.signature("t.block").delay()).toList();
      // Four tasks can only all be running at once if the pool grew from 1 to 4.
      assertThat(allRunning.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.poolSize()).isEqualTo(4);
      release.countDown();
      for (AsyncResult<Object> r : sent) {
        assertThat(r.get(Duration.ofSeconds(5))).isEqualTo(true);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> worker.poolSize() == 1);
    }
  }

  /** {@code t.hold}: counts itself in, waits for {@link #release}, counts itself out. */
  private static final class Hold {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);

    Hold(Apium app) {
      app.register(
          "t.hold",
          call -> {
            started.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
              return release.await(30, TimeUnit.SECONDS);
            } finally {
              running.decrementAndGet();
            }
          });
    }
  }

  private static void assumeVirtualThreadsIfAsked(boolean virtual) {
    assumeTrue(!virtual || Runtime.version().feature() >= 21, "virtual threads need Java 21+");
  }

  /**
   * {@code -c} bounds the tasks run at once on both pools, as Celery's {@code -c} does: the other
   * prefetched tasks wait (reserved) until a slot frees.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void atMostConcurrencyTasksRunAtOnceAndThePrefetchedRestWaits(boolean virtual) throws Exception {
    assumeVirtualThreadsIfAsked(virtual);
    Hold hold = new Hold(app);
    try (Worker worker =
        app.worker().virtualThreads(virtual).concurrency(3).prefetchMultiplier(4).start()) {
      List<AsyncResult<Object>> sent =
          IntStream.range(0, 12).mapToObj(i -> app.signature("t.hold").delay()).toList();
      // All twelve are in the worker (a window of 3 x 4; the running three are acked): three run,
      // nine wait for a slot.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> hold.running.get() == 3 && worker.reserved() == 9);
      assertThat(hold.mostAtOnce.get()).isEqualTo(3);
      hold.release.countDown();
      for (AsyncResult<Object> r : sent) {
        assertThat(r.get(Duration.ofSeconds(10))).isEqualTo(true);
      }
      assertThat(hold.mostAtOnce.get()).isEqualTo(3);
    }
  }

  /**
   * A warm shutdown lets the running tasks finish and puts the ones waiting for a slot back on the
   * queue, on both pools (a virtual pool used to start every prefetched task at once).
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aWarmShutdownReturnsTheTasksWaitingForASlot(boolean virtual) throws Exception {
    assumeVirtualThreadsIfAsked(virtual);
    Hold hold = new Hold(app);
    Worker worker =
        app.worker().virtualThreads(virtual).concurrency(2).prefetchMultiplier(3).start();
    IntStream.range(0, 6).forEach(i -> app.signature("t.hold").delay());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> hold.running.get() == 2 && worker.reserved() == 4);
    Thread stopping = new Thread(() -> worker.stop(Duration.ofSeconds(30)));
    stopping.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> app.broker().size("celery") == 4);
    hold.release.countDown();
    stopping.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(stopping.isAlive()).isFalse();
    assertThat(hold.running.get()).isZero();
    assertThat(hold.started.get()).isEqualTo(2);
    assertThat(app.broker().size("celery")).isEqualTo(4);
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void virtualThreadsRunThousandsOfBlockingTasksAtOnce() throws Exception {
    int tasks = 2000;
    CountDownLatch allRunning = new CountDownLatch(tasks);
    Method isVirtual = Thread.class.getMethod("isVirtual");
    app.register(
        "t.io",
        call -> {
          allRunning.countDown();
          allRunning.await(30, TimeUnit.SECONDS);
          return isVirtual.invoke(Thread.currentThread());
        });
    try (Worker worker =
        app.worker().virtualThreads(true).concurrency(tasks).prefetchMultiplier(1).start()) {
      List<AsyncResult<Object>> sent =
          IntStream.range(0, tasks).mapToObj(i -> app.signature("t.io").delay()).toList();
      assertThat(allRunning.await(30, TimeUnit.SECONDS)).isTrue();
      for (AsyncResult<Object> r : sent) {
        assertThat(r.get(Duration.ofSeconds(10))).isEqualTo(true);
      }
    }
  }
}
