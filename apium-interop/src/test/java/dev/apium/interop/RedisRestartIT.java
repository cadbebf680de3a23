package dev.apium.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.testing.PrivateRedisServer;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Restart Redis while 5,000 tasks flow: the worker reconnects by itself and every task completes.
 */
class RedisRestartIT {
  @Test
  void workerSurvivesARedisRestart() throws Exception {
    try (PrivateRedisServer redis = new PrivateRedisServer().start();
        Apium app =
            Apium.builder()
                .withoutEnvironment()
                .broker(redis.url(0))
                .backend(redis.url(1))
                .config("visibility_timeout", "5")
                .build()) {
      app.register("restart.square", Long.class, x -> x * x);
      List<AsyncResult<Long>> results = new ArrayList<>();
      for (long i = 0; i < 5000; i++) {
        results.add(app.signature("restart.square", i).delay(Long.class));
      }
      try (Worker worker = app.worker().concurrency(4).start()) {
        await().atMost(Duration.ofSeconds(60)).until(() -> worker.processed() >= 1000);
        redis.stop();
        redis.start();
        for (int i = 0; i < results.size(); i++) {
          assertThat(results.get(i).get(Duration.ofSeconds(120))).isEqualTo((long) i * i);
        }
      }
    }
  }
}
