package dev.apium.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.TaskOptions;
import dev.apium.testing.PrivateRedisServer;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker told to stop while its Redis is down (a private redis-server, SIGKILLed, AOF with fsync
 * always) stops within seconds instead of waiting a command timeout for each thing it would give
 * back, and loses nothing: once Redis is back, the next worker runs every task, the prefetched ones
 * given back by its liveness reaper. Both a crash (connections drop) and a hang (SIGSTOP:
 * connections stay, commands time out) are tried.
 */
class RedisStopWhileDownIT {
  private static final Duration STOP_BOUND = Duration.ofSeconds(10);

  private PrivateRedisServer server;

  @BeforeEach
  void start() throws Exception {
    server = new PrivateRedisServer().start();
  }

  @AfterEach
  void stop() throws Exception {
    server.kill();
  }

  /** How the outage looks to the worker: a crash drops its connections, a hang keeps them. */
  private enum Outage {
    CRASH,
    HANG
  }

  private Apium app(Set<String> ran, CountDownLatch gate) {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(server.url(0))
            .backend(server.url(1))
            .config("worker_lost_timeout", "2")
            .config("redis_socket_timeout", "2")
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

  @Test
  void aWarmStopAfterRedisCrashedIsQuickAndLosesNothing() throws Exception {
    stopDuringAnOutageLosesNothing(Outage.CRASH);
  }

  /**
   * A hung server answers nothing and drops nothing: the first give-back waits its command timeout
   * (2 s here), the rest are skipped. Before, each prefetched message waited its own timeout.
   */
  @Test
  void aWarmStopWhileRedisHangsWaitsOneTimeoutNotOnePerMessage() throws Exception {
    stopDuringAnOutageLosesNothing(Outage.HANG);
  }

  private void stopDuringAnOutageLosesNothing(Outage outage) throws Exception {
    Set<String> ranBefore = ConcurrentHashMap.newKeySet();
    CountDownLatch gate = new CountDownLatch(1);
    Set<String> sent = ConcurrentHashMap.newKeySet();
    Apium first = app(ranBefore, gate);
    Worker worker = first.worker().concurrency(1).prefetchMultiplier(8).start();
    for (int i = 0; i < 8; i++) {
      sent.add(first.send("t.gated").id());
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> worker.active() == 1 && worker.reserved() == 7);

    if (outage == Outage.CRASH) {
      server.kill();
      RedisConnector connector = ((RedisBroker) first.broker()).connector();
      await().atMost(Duration.ofSeconds(5)).until(() -> !connector.reachable());
    } else {
      server.pause();
    }
    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(
            () -> {
              worker.stop(Duration.ofSeconds(30));
              first.close();
            });
    // The prefetched messages are given back (or left for the reaper) before the running task is
    // let finish, whose ack then cannot be written.
    await().atMost(STOP_BOUND).until(() -> worker.reserved() == 0);
    gate.countDown();
    try {
      stopping.get(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      Thread.getAllStackTraces()
          .forEach((t, stack) -> System.err.println(t + "\n  " + java.util.Arrays.toString(stack)));
      throw e;
    }

    if (outage == Outage.CRASH) {
      server.start();
    } else {
      server.resume();
    }
    Set<String> ranAfter = ConcurrentHashMap.newKeySet();
    try (Apium second = app(ranAfter, new CountDownLatch(0));
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
