package dev.apium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.worker.Worker;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboard under load (Redis db 0, a queue of its own): 2,000 tasks sent in 10 s to an Apium
 * worker with events on. The task list keeps answering and shows the newest tasks, server-sent
 * updates stay at most two a second, and the tasks held never exceed the configured history (500),
 * the rest being dropped oldest first.
 */
class DashboardLoadIT {
  static final int TASKS = 2_000;
  static final int HISTORY = 500;

  @Test
  void twoThousandTasksInTenSeconds() throws Exception {
    String queue = "dash-load-" + UUID.randomUUID();
    String node = "apium-load-" + UUID.randomUUID().toString().substring(0, 8) + "@load";
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    try (Apium app =
            Apium.builder()
                .withoutEnvironment()
                .broker(DashboardApiIT.REDIS)
                .backend(DashboardApiIT.REDIS)
                .config("task_default_queue", queue)
                .config("worker_send_task_events", "true")
                .config("task_ignore_result", "true")
                .build();
        Dashboard dashboard =
            Dashboard.start(
                app, DashboardSettings.defaults().withPort(0).withHistorySize(HISTORY))) {
      app.register("load.noop", call -> call.arg(0, int.class));
      Worker worker = app.worker().queues(queue).concurrency(8).nodename(node).start();
      Http http = new Http(dashboard.port());
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> http.json("/api/workers").toString().contains(node));

        // A page's live stream: count the change events it gets.
        AtomicInteger changes = new AtomicInteger();
        CompletableFuture<HttpResponse<Stream<String>>> stream =
            HttpClient.newHttpClient()
                .sendAsync(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + dashboard.port() + "/api/stream"))
                        .header("Accept", "text/event-stream")
                        .build(),
                    HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<Void> counting =
            stream.thenAcceptAsync(
                r ->
                    r.body()
                        .filter(line -> line.startsWith("event: change"))
                        .forEach(line -> changes.incrementAndGet()));

        // 2,000 tasks in 10 s: 100 every half second.
        AtomicReference<String> last = new AtomicReference<>();
        AtomicInteger sent = new AtomicInteger();
        long start = System.nanoTime();
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        sender.scheduleAtFixedRate(
            () -> {
              for (int i = 0; i < 100 && sent.get() < TASKS; i++) {
                AsyncResult<Object> r =
                    app.send("load.noop", List.of(sent.incrementAndGet()), Map.of(), null);
                last.set(r.id());
              }
              if (sent.get() >= TASKS) {
                allSent.complete(null);
                throw new IllegalStateException("done: stops the schedule");
              }
            },
            0,
            500,
            TimeUnit.MILLISECONDS);
        AtomicLong slowest = new AtomicLong();
        AtomicInteger maxHeld = new AtomicInteger();
        // While the load runs, the task list answers and the history stays bounded.
        await()
            .atMost(Duration.ofSeconds(180))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  long t0 = System.nanoTime();
                  String body = http.get("/api/tasks?limit=50").body();
                  long ms = (System.nanoTime() - t0) / 1_000_000;
                  slowest.accumulateAndGet(ms, Math::max);
                  maxHeld.accumulateAndGet(dashboard.state().taskCount(), Math::max);
                  return allSent.isDone()
                      && body.contains(last.get())
                      && http.json("/api/tasks/" + last.get())
                          .path("state")
                          .asText()
                          .equals("SUCCESS");
                });
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "dashboard load: %d tasks sent, last SUCCESS on the list after %.1f s; slowest /api/tasks"
                + " %d ms; %d change events; %d tasks held of %d; %d dropped%n",
            TASKS,
            sendSeconds,
            slowest.get(),
            changes.get(),
            dashboard.state().taskCount(),
            HISTORY,
            http.json("/api/stats").path("tasks_evicted").asLong());

        assertThat(maxHeld.get()).isLessThanOrEqualTo(HISTORY);
        assertThat(dashboard.state().taskCount()).isEqualTo(HISTORY);
        assertThat(http.json("/api/stats").path("tasks_evicted").asLong())
            .isGreaterThanOrEqualTo(TASKS - HISTORY);
        assertThat(http.json("/api/tasks?limit=10000").size()).isEqualTo(HISTORY);
        assertThat(slowest.get()).as("slowest task list answer, ms").isLessThan(5_000);
        assertThat(changes.get()).as("the page was told of changes").isGreaterThan(3);
        assertThat(changes.get())
            .as("at most two updates a second (plus the first)")
            .isLessThanOrEqualTo((int) (sendSeconds * 2) + 3);
        counting.cancel(true);
        stream.cancel(true);
      } finally {
        worker.stop(Duration.ofSeconds(10));
      }
    } finally {
      sender.shutdownNow();
    }
  }
}
