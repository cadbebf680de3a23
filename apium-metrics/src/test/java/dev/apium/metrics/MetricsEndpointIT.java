package dev.apium.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import dev.apium.AsyncResult;
import dev.apium.CallOptions;
import dev.apium.TaskError;
import dev.apium.worker.Worker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker with {@link CeleryMetrics} on a real Redis (db 10, a queue of its own) runs a known mix
 * of tasks; {@code /metrics} is scraped over HTTP, parsed strictly, and every counter checked.
 */
class MetricsEndpointIT {
  private static final String REDIS = "redis://127.0.0.1:6379/10";

  private static Apium app(CeleryMetrics metrics) {
    return Apium.builder()
        .withoutEnvironment()
        .broker(REDIS)
        .backend(REDIS)
        .listener(metrics)
        .build();
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(MetricsServer.CONTENT_TYPE);
    return response.body();
  }

  @Test
  void countersMatchAKnownMixOfTasks() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String queue = "metrics-" + suffix;
    String host = "metrics-" + suffix;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CeleryMetrics metrics = new CeleryMetrics(registry);
    try (Apium worker = app(metrics);
        Apium client = app(new CeleryMetrics(registry))) {
      metrics.queueLengthsFrom(worker);
      worker.register("m.ok", call -> "fine");
      worker.register(
          "m.bad",
          call -> {
            throw new TaskError("ValueError", "nope");
          });
      worker.register(
          "m.flaky",
          call -> {
            if (call.context().retries() == 0) {
              throw call.context().retry(Duration.ZERO, new TaskError("IOError", "busy"));
            }
            return "ok";
          });
      worker.register("m.revoked", call -> "never");
      CallOptions toQueue = CallOptions.create().queue(queue);
      try (Worker w = worker.worker().queues(queue).nodename("w@" + host).concurrency(2).start();
          MetricsServer server = MetricsServer.start(registry, 0)) {
        List<AsyncResult<Object>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
          results.add(client.send("m.ok", List.of(), Map.of(), toQueue));
        }
        for (int i = 0; i < 2; i++) {
          results.add(client.send("m.bad", List.of(), Map.of(), toQueue));
        }
        results.add(client.send("m.flaky", List.of(), Map.of(), toQueue));
        String revokedId = UUID.randomUUID().toString();
        client.control().revoke(revokedId);
        await().atMost(Duration.ofSeconds(30)).until(() -> w.revoked().contains(revokedId));
        client.send(
            "m.revoked", List.of(), Map.of(), CallOptions.create().queue(queue).taskId(revokedId));
        client.send("m.nobody", List.of(), Map.of(), toQueue);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> w.counts().total() >= 9 && w.active() == 0 && w.reserved() == 0);

        PrometheusText text = PrometheusText.parse(scrape(server.port()));
        String ok = "m.ok";
        Map<String, String> here = Map.of("hostname", host, "queue_name", queue);
        assertThat(text.types)
            .containsEntry("celery_task_sent_total", "counter")
            .containsEntry("celery_task_runtime", "histogram")
            .containsEntry("celery_worker_up", "gauge")
            .containsEntry("celery_worker_events_dropped_total", "counter")
            .containsEntry("celery_queue_length", "gauge");
        // sent: counted by the client (its own hostname) and by the worker for the retry
        assertThat(text.sum("celery_task_sent_total", Map.of("name", ok))).isEqualTo(3);
        assertThat(text.sum("celery_task_sent_total", Map.of("name", "m.bad"))).isEqualTo(2);
        assertThat(text.sum("celery_task_sent_total", Map.of("name", "m.flaky"))).isEqualTo(2);
        assertThat(text.sum("celery_task_sent_total", Map.of("name", "m.flaky", "hostname", host)))
            .isEqualTo(1);
        assertThat(text.sum("celery_task_sent_total", Map.of("name", "m.nobody"))).isEqualTo(1);
        for (String counter : List.of("received", "started")) {
          String name = "celery_task_" + counter + "_total";
          assertThat(text.sum(name, with(here, ok))).as(counter).isEqualTo(3);
          assertThat(text.sum(name, with(here, "m.bad"))).as(counter).isEqualTo(2);
          assertThat(text.sum(name, with(here, "m.flaky"))).as(counter).isEqualTo(2);
          assertThat(text.sum(name, with(here, "m.revoked"))).as(counter).isZero();
        }
        assertThat(text.sum("celery_task_succeeded_total", with(here, ok))).isEqualTo(3);
        assertThat(text.sum("celery_task_succeeded_total", with(here, "m.flaky"))).isEqualTo(1);
        assertThat(
                text.sum(
                    "celery_task_failed_total",
                    Map.of("name", "m.bad", "hostname", host, "exception", "ValueError")))
            .isEqualTo(2);
        assertThat(text.sum("celery_task_retried_total", with(here, "m.flaky"))).isEqualTo(1);
        assertThat(text.sum("celery_task_revoked_total", with(here, "m.revoked"))).isEqualTo(1);
        assertThat(
                text.sum(
                    "celery_task_rejected_total", Map.of("name", "m.nobody", "queue_name", queue)))
            .isEqualTo(1);
        assertThat(text.sum("celery_task_runtime_count", with(here, ok))).isEqualTo(3);
        assertThat(text.types).containsEntry("celery_task_queue_wait_time", "histogram");
        assertThat(text.sum("celery_task_queue_wait_time_count", with(here, ok))).isEqualTo(3);
        assertThat(text.sum("celery_task_queue_wait_time_count", with(here, "m.flaky")))
            .isEqualTo(2);
        assertThat(text.sum("celery_task_queue_wait_time_count", with(here, "m.revoked"))).isZero();
        assertThat(
                text.sum(
                    "celery_task_runtime_bucket",
                    Map.of("name", ok, "hostname", host, "le", "+Inf")))
            .isEqualTo(3);
        assertThat(text.sum("celery_worker_up", Map.of("hostname", host))).isEqualTo(1);
        assertThat(text.sum("celery_worker_tasks_active", Map.of("hostname", host))).isZero();
        assertThat(text.sum("celery_worker_tasks_prefetched", Map.of("hostname", host))).isZero();
        assertThat(text.sum("celery_worker_tasks_scheduled", Map.of("hostname", host))).isZero();
        assertThat(text.sum("celery_worker_events_dropped_total", Map.of("hostname", host)))
            .isZero();
        assertThat(text.sum("celery_queue_length", Map.of("queue_name", queue))).isZero();
        w.stop(Duration.ofSeconds(10));
        PrometheusText after = PrometheusText.parse(scrape(server.port()));
        assertThat(after.sum("celery_worker_up", Map.of("hostname", host))).isZero();
      }
    }
  }

  /**
   * One slot, prefetch 2 (+1 for the ETA task held), acks late: a blocked task, one prefetched
   * behind it, one held for its ETA, four left in Redis; then every blocked task's queue wait is at
   * least the time from its publish to the release.
   */
  @Test
  void gaugesAndQueueWaitFollowABlockedWorker() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String queue = "metrics-gauges-" + suffix;
    String host = "gauges-" + suffix;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CeleryMetrics metrics = new CeleryMetrics(registry);
    CountDownLatch release = new CountDownLatch(1);
    try (Apium worker =
            Apium.builder()
                .withoutEnvironment()
                .broker(REDIS)
                .backend(REDIS)
                .config(ApiumConfig.ACKS_LATE, true)
                .listener(metrics)
                .build();
        Apium client = app(new CeleryMetrics(registry))) {
      metrics.queueLengthsFrom(worker);
      worker.register(
          "g.block",
          call -> {
            if (!release.await(60, TimeUnit.SECONDS)) {
              throw new TaskError("TimeoutError", "never released");
            }
            return "done";
          });
      worker.register("g.later", call -> "later");
      CallOptions toQueue = CallOptions.create().queue(queue);
      Worker w =
          worker
              .worker()
              .queues(queue)
              .nodename("w@" + host)
              .concurrency(1)
              .prefetchMultiplier(2)
              .start();
      try (MetricsServer server = MetricsServer.start(registry, 0)) {
        client.send(
            "g.later",
            List.of(),
            Map.of(),
            CallOptions.create().queue(queue).countdown(Duration.ofMinutes(5)));
        await().atMost(Duration.ofSeconds(30)).until(() -> w.scheduled() == 1);
        for (int i = 0; i < 6; i++) {
          client.send("g.block", List.of(), Map.of(), toQueue);
        }
        long lastSent = System.currentTimeMillis();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> w.active() == 1 && w.reserved() == 1 && worker.broker().size(queue) == 4);
        PrometheusText held = PrometheusText.parse(scrape(server.port()));
        Map<String, String> hostOnly = Map.of("hostname", host);
        assertThat(held.sum("celery_worker_tasks_active", hostOnly)).isEqualTo(1);
        assertThat(held.sum("celery_worker_tasks_prefetched", hostOnly)).isEqualTo(1);
        assertThat(held.sum("celery_worker_tasks_scheduled", hostOnly)).isEqualTo(1);
        assertThat(held.sum("celery_queue_length", Map.of("queue_name", queue))).isEqualTo(4);
        assertThat(held.sum("celery_worker_up", hostOnly)).isEqualTo(1);
        Map<String, String> block =
            Map.of("name", "g.block", "hostname", host, "queue_name", queue);
        assertThat(held.sum("celery_task_queue_wait_time_count", block)).isEqualTo(1);

        long waited = System.currentTimeMillis() - lastSent; // each blocked task waited longer
        release.countDown();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> w.counts().total() >= 6 && w.active() == 0 && w.reserved() == 0);
        PrometheusText done = PrometheusText.parse(scrape(server.port()));
        assertThat(done.sum("celery_task_queue_wait_time_count", block)).isEqualTo(6);
        assertThat(done.sum("celery_task_queue_wait_time_sum", block))
            .isGreaterThanOrEqualTo(5 * waited / 1000.0);
        double bound = largestBucketBelow(waited / 1000.0);
        assertThat(
                done.samples.stream()
                    .filter(x -> x.name().equals("celery_task_queue_wait_time_bucket"))
                    .filter(x -> x.labels().entrySet().containsAll(block.entrySet()))
                    .filter(x -> !x.labels().get("le").equals("+Inf"))
                    .filter(x -> Double.parseDouble(x.labels().get("le")) == bound)
                    .mapToDouble(PrometheusText.Sample::value)
                    .sum())
            .as("tasks that waited at most %s s (only the first one may have)", bound)
            .isLessThanOrEqualTo(1);
        assertThat(done.sum("celery_worker_tasks_active", hostOnly)).isZero();
        assertThat(done.sum("celery_worker_tasks_prefetched", hostOnly)).isZero();
        assertThat(done.sum("celery_worker_tasks_scheduled", hostOnly)).isEqualTo(1);
        assertThat(done.sum("celery_queue_length", Map.of("queue_name", queue))).isZero();
      } finally {
        release.countDown();
        w.stop(Duration.ofSeconds(10));
        worker.broker().purge(queue);
      }
    }
  }

  /** The largest bucket bound below {@code seconds} (0 if none): longer waits are not in it. */
  private static double largestBucketBelow(double seconds) {
    double below = 0;
    for (double b : QueueWait.BUCKETS) {
      if (b < seconds) {
        below = b;
      }
    }
    return below;
  }

  private static Map<String, String> with(Map<String, String> labels, String name) {
    Map<String, String> out = new java.util.HashMap<>(labels);
    out.put("name", name);
    return out;
  }
}
