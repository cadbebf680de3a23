package dev.apium.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.TaskOptions;
import dev.apium.testing.TcpProxy;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A worker told to stop while its PostgreSQL cannot be reached (the shared server behind a {@link
 * TcpProxy} that drops every connection) stops within seconds instead of waiting a connection
 * timeout per prefetched message: they stay claimed by it, and once the database is back the next
 * worker's liveness reaper returns them and every task runs.
 */
class PostgresStopWhileDownIT {
  private static final String SCHEMA = PgTestSchema.fresh("stopdown");
  private static final Duration STOP_BOUND = Duration.ofSeconds(10);

  @AfterAll
  static void dropSchema() throws Exception {
    PgTestSchema.drop(SCHEMA);
  }

  @Test
  void aWarmStopWhileTheDatabaseIsUnreachableIsQuickAndLosesNothing() throws Exception {
    try (TcpProxy proxy = new TcpProxy("127.0.0.1", 5432)) {
      String viaProxy = "postgresql://postgres@127.0.0.1:" + proxy.port() + "/test";
      Set<String> ranBefore = ConcurrentHashMap.newKeySet();
      CountDownLatch gate = new CountDownLatch(1);
      Set<String> sent = ConcurrentHashMap.newKeySet();
      Apium first = app(viaProxy, ranBefore, gate);
      Worker worker = first.worker().concurrency(1).prefetchMultiplier(8).start();
      for (int i = 0; i < 8; i++) {
        sent.add(first.send("t.gated").id());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> worker.active() == 1 && worker.reserved() == 7);

      proxy.cut();
      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(
              () -> {
                worker.stop(Duration.ofSeconds(30));
                first.close();
              });
      await().atMost(STOP_BOUND).until(() -> worker.reserved() == 0);
      gate.countDown();
      stopping.get(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);

      proxy.restore();
      Set<String> ranAfter = ConcurrentHashMap.newKeySet();
      try (Apium second = app(PgTestSchema.URL, ranAfter, new CountDownLatch(0));
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

  private static Apium app(String url, Set<String> ran, CountDownLatch gate) {
    Apium app =
        Apium.builder()
            .withoutEnvironment()
            .broker(url)
            .backend(url)
            .config("jdbc_schema", SCHEMA)
            .config("worker_lost_timeout", "2")
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
