package dev.apium.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

/** Spring Boot 4: the actuator's {@code apium} health indicator is UP against the running Redis. */
@SpringBootTest(properties = "apium.broker-url=redis://127.0.0.1:6379/7")
class ActuatorHealthTest {
  @Autowired Map<String, HealthIndicator> healthIndicators;

  @Test
  void apiumIsUp() {
    assertThat(healthIndicators).containsKey("apiumHealthIndicator");
    Health health = healthIndicators.get("apiumHealthIndicator").health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsKeys("broker", "backend");
  }
}
