package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.testing.PrivateRedisServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

/** Stops and restarts a private redis-server (never the shared one) under a running app. */
class HealthRedisRestartIT {

  @Test
  void healthGoesDownWhenRedisStopsAndUpWhenItReturns() throws Exception {
    try (PrivateRedisServer redis = new PrivateRedisServer().start();
        ConfigurableApplicationContext context =
            ShopApp.run(
                "apium.broker-url=" + redis.url(0),
                "apium.result-backend=" + redis.url(1),
                "apium.health.timeout=3s",
                "apium.celery.redis_socket_timeout=5")) {
      ApiumHealthIndicator health = context.getBean(ApiumHealthIndicator.class);
      await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus() == Status.UP);

      redis.stop();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> health.health().getStatus() == Status.DOWN);
      Health down = health.health();
      assertThat(((Map<?, ?>) down.getDetails().get("broker")).get("status")).isEqualTo("DOWN");
      assertThat(((Map<?, ?>) down.getDetails().get("backend")).get("status")).isEqualTo("DOWN");

      redis.start();
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> health.health().getStatus() == Status.UP);
    }
  }
}
