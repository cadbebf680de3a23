package dev.apium.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
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
        await().atMost(Duration.ofSeconds(60)).until(() -> w.counts().total() >= 9);

        PrometheusText text = PrometheusText.parse(scrape(server.port()));
        String ok = "m.ok";
        Map<String, String> here = Map.of("hostname", host, "queue_name", queue);
        assertThat(text.types)
            .containsEntry("celery_task_sent_total", "counter")
            .containsEntry("celery_task_runtime", "histogram")
            .containsEntry("celery_worker_up", "gauge")
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
        assertThat(
                text.sum(
                    "celery_task_runtime_bucket",
                    Map.of("name", ok, "hostname", host, "le", "+Inf")))
            .isEqualTo(3);
        assertThat(text.sum("celery_worker_up", Map.of("hostname", host))).isEqualTo(1);
        assertThat(text.sum("celery_worker_tasks_active", Map.of("hostname", host))).isZero();
        assertThat(text.sum("celery_queue_length", Map.of("queue_name", queue))).isZero();
        w.stop(Duration.ofSeconds(10));
        PrometheusText after = PrometheusText.parse(scrape(server.port()));
        assertThat(after.sum("celery_worker_up", Map.of("hostname", host))).isZero();
      }
    }
  }

  private static Map<String, String> with(Map<String, String> labels, String name) {
    Map<String, String> out = new java.util.HashMap<>(labels);
    out.put("name", name);
    return out;
  }
}
