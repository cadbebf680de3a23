package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apium.Apium;
import dev.apium.listen.OutgoingTask;
import dev.apium.listen.TaskInfo;
import dev.apium.listen.TaskListener;
import dev.apium.metrics.CeleryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A {@link TaskListener} bean and a {@link MeterRegistry} bean in a Spring Boot app on a real Redis
 * (db 10, a queue of its own): the listener sees a task's publish, receipt, start and success, and
 * the auto-configured {@link CeleryMetrics} counts it into the registry.
 */
class SpringListenerIT {
  static final String REDIS_DB_10 = "redis://127.0.0.1:6379/10";

  @Test
  void aListenerBeanSeesATaskReceivedStartedAndSucceeded() {
    String queue = ShopApp.uniqueQueue();
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(ListeningApp.class)
            .web(WebApplicationType.NONE)
            .properties(
                "apium.load-environment=false",
                "spring.main.banner-mode=off",
                "apium.broker-url=" + REDIS_DB_10,
                "apium.result-backend=" + REDIS_DB_10,
                "apium.celery.task_default_queue=" + queue,
                "apium.worker.enabled=true",
                "apium.worker.concurrency=1")
            .run()) {
      Apium apium = context.getBean(Apium.class);
      Recorder recorder = context.getBean(Recorder.class);
      assertThat(apium.listeners()).contains(recorder, context.getBean(CeleryMetrics.class));

      var result = apium.send("orders.total", 6, 7);
      assertThat(result.get(Duration.ofSeconds(30))).isEqualTo(42);
      String id = result.id();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> recorder.events.contains("succeeded " + id + " 42"));
      // the publish is reported on the sending thread, which may come after the worker's receipt
      assertThat(recorder.events).contains("published " + id);
      assertThat(recorder.events.stream().filter(e -> !e.startsWith("published")))
          .containsExactly(
              "received " + id + " " + queue, "started " + id, "succeeded " + id + " 42");

      MeterRegistry registry = context.getBean(MeterRegistry.class);
      assertThat(
              registry
                  .get("celery.task.succeeded")
                  .tag("name", "orders.total")
                  .tag("queue_name", queue)
                  .counter()
                  .count())
          .isEqualTo(1);
      assertThat(registry.get("celery.task.sent").tag("name", "orders.total").counter().count())
          .isEqualTo(1);
      assertThat(registry.get("celery.queue.length").tag("queue_name", queue).gauge().value())
          .isZero();
    }
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class ListeningApp {
    @Bean
    ShopApp.OrderTasks orderTasks() {
      return new ShopApp.OrderTasks();
    }

    @Bean
    Recorder recorder() {
      return new Recorder();
    }

    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  /** Writes down each event of {@code orders.total}, in the order the threads report them. */
  static class Recorder implements TaskListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void afterPublish(OutgoingTask task, Throwable error) {
      if (error == null && task.name().equals("orders.total")) {
        events.add("published " + task.id());
      }
    }

    @Override
    public void received(TaskInfo task) {
      events.add("received " + task.id() + " " + task.queue());
    }

    @Override
    public void started(TaskInfo task) {
      events.add("started " + task.id());
    }

    @Override
    public void succeeded(TaskInfo task, JsonNode result, Duration runtime) {
      events.add("succeeded " + task.id() + " " + result);
    }
  }
}
