package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

class WarmShutdownIT {

  @Test
  void closingTheContextLetsTheRunningTaskFinishAndStoresItsResult() throws Exception {
    String queue = ShopApp.uniqueQueue();
    ShopApp.OrderTasks.started = new CountDownLatch(1);
    ShopApp.OrderTasks.release = new CountDownLatch(1);
    ConfigurableApplicationContext context =
        ShopApp.run(
            "apium.broker-url=" + ShopApp.REDIS_DB_7,
            "apium.result-backend=" + ShopApp.REDIS_DB_7,
            "apium.celery.task_default_queue=" + queue,
            "apium.worker.enabled=true",
            "apium.worker.shutdown-timeout=60s");
    String taskId;
    Thread closer;
    try {
      Worker worker = context.getBean(ApiumWorkerLifecycle.class).worker();
      taskId = context.getBean(Apium.class).send("orders.ship", "A-17").id();
      assertThat(ShopApp.OrderTasks.started.await(30, TimeUnit.SECONDS))
          .as("the task started")
          .isTrue();

      closer = new Thread(context::close, "context-closer");
      closer.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> !worker.isRunning());
      assertThat(worker.active()).as("the task is still running").isEqualTo(1);
      assertThat(closer.isAlive()).as("close() waits for the running task").isTrue();
    } finally {
      ShopApp.OrderTasks.release.countDown();
    }
    closer.join(Duration.ofSeconds(90).toMillis());
    assertThat(closer.isAlive()).as("close() returned").isFalse();
    assertThat(context.isActive()).isFalse();

    try (Apium client =
        Apium.builder()
            .broker(ShopApp.REDIS_DB_7)
            .backend(ShopApp.REDIS_DB_7)
            .withoutEnvironment()
            .build()) {
      var result = client.result(taskId, String.class);
      assertThat(result.get(Duration.ofSeconds(10))).isEqualTo("shipped A-17");
      assertThat(result.state()).isEqualTo("SUCCESS");
      assertThat(client.broker().size(queue)).as("nothing was returned to the queue").isZero();
    }
  }
}
