package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ApiumHealthIndicatorTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ApiumAutoConfiguration.class, ApiumHealthAutoConfiguration.class))
          .withPropertyValues("apium.load-environment=false");

  @Test
  void upWhenBrokerAndBackendAnswer() {
    runner
        .withPropertyValues("apium.test.mode=memory")
        .run(
            context -> {
              Health health = context.getBean(ApiumHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              Map<?, ?> broker = (Map<?, ?>) health.getDetails().get("broker");
              assertThat(broker.get("status")).isEqualTo("UP");
              assertThat(broker.get("queue")).isEqualTo("celery");
              assertThat(broker.get("ready")).isEqualTo(0L);
              assertThat(((Map<?, ?>) health.getDetails().get("backend")).get("status"))
                  .isEqualTo("UP");
            });
  }

  @Test
  void downNamingTheServerWhenNothingListens() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    runner
        .withPropertyValues(
            "apium.broker-url=redis://127.0.0.1:" + closedPort + "/0",
            "apium.result-backend=memory://health-down",
            "apium.health.timeout=60s")
        .run(
            context -> {
              Health health = context.getBean(ApiumHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.DOWN);
              Map<?, ?> broker = (Map<?, ?>) health.getDetails().get("broker");
              assertThat(broker.get("status")).isEqualTo("DOWN");
              assertThat((String) broker.get("error")).contains(String.valueOf(closedPort));
              assertThat(((Map<?, ?>) health.getDetails().get("backend")).get("status"))
                  .isEqualTo("UP");
            });
  }

  @Test
  void canBeSwitchedOffLikeAnyHealthIndicator() {
    runner
        .withPropertyValues("apium.test.mode=memory", "management.health.apium.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ApiumHealthIndicator.class));
  }

  @Test
  void passwordsAreMasked() {
    assertThat(ApiumHealthCheck.maskPassword("redis://:secret@host:6379/0"))
        .isEqualTo("redis://:****@host:6379/0");
    assertThat(ApiumHealthCheck.maskPassword("amqp://guest:guest@localhost:5672//"))
        .isEqualTo("amqp://guest:****@localhost:5672//");
    assertThat(ApiumHealthCheck.maskPassword("redis://host:6379/0"))
        .isEqualTo("redis://host:6379/0");
  }
}
