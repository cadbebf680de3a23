package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

class SpringRedisTaskIT {

  @Test
  void aTaskBeanRunsThroughRedisEndToEnd() {
    String queue = ShopApp.uniqueQueue();
    try (ConfigurableApplicationContext context =
        ShopApp.run(
            "apium.broker-url=" + ShopApp.REDIS_DB_7,
            "apium.result-backend=" + ShopApp.REDIS_DB_7,
            "apium.celery.task_default_queue=" + queue,
            "apium.worker.enabled=true",
            "apium.worker.concurrency=2")) {
      Apium apium = context.getBean(Apium.class);
      assertThat(apium.taskNames()).contains("orders.total", "orders.ship");
      assertThat(context.getBean(ApiumWorkerLifecycle.class).worker().queues())
          .containsExactly(queue);

      var result = apium.send("orders.total", 3, 14);
      assertThat(result.get(Duration.ofSeconds(30))).isEqualTo(42);
      assertThat(result.state()).isEqualTo("SUCCESS");
      assertThat(apium.broker().size(queue)).isZero();
    }
  }
}
