package dev.apium.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import dev.apium.TaskFailedException;
import dev.apium.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end: a client app and a worker app over RabbitMQ with the rpc:// result backend. */
class AmqpAppIT {
  private static RabbitVhost vhost;

  @BeforeAll
  static void createVhost() {
    vhost = new RabbitVhost("apium-app-it");
  }

  @AfterAll
  static void deleteVhost() {
    if (vhost != null) {
      vhost.close();
    }
  }

  private static Apium app() {
    return Apium.builder().withoutEnvironment().broker(vhost.url()).backend("rpc://").build();
  }

  @Test
  void tasksRunOnTheWorkerAndResultsComeBackOverRpc() {
    try (Apium worker = app();
        Apium client = app()) {
      worker.register("e2e.add", Integer.class, Integer.class, (a, b) -> a + b);
      worker.register(
          "e2e.fail",
          call -> {
            throw new IllegalArgumentException("boom");
          });
      Worker running = worker.worker().concurrency(2).start();
      try {
        List<AsyncResult<Object>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          results.add(client.send("e2e.add", i, 1));
        }
        for (int i = 0; i < results.size(); i++) {
          assertThat(results.get(i).get(Duration.ofSeconds(30))).isEqualTo(i + 1);
        }
        AsyncResult<Object> failed = client.send("e2e.fail");
        assertThatThrownBy(() -> failed.get(Duration.ofSeconds(30)))
            .isInstanceOf(TaskFailedException.class)
            .hasMessageContaining("boom");
      } finally {
        running.stop(Duration.ofSeconds(10));
      }
    }
  }
}
