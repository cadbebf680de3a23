package dev.apium.spring;

import dev.apium.Apium;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of Apium on Spring Boot 4 (contributor {@code apium}): the {@link
 * ApiumHealthCheck} as a {@link HealthIndicator}. Called on health-request threads.
 */
public final class ApiumHealthIndicator implements HealthIndicator, DisposableBean {
  private final ApiumHealthCheck check;

  public ApiumHealthIndicator(Apium app, Duration timeout) {
    this.check = new ApiumHealthCheck(app, timeout);
  }

  @Override
  public Health health() {
    ApiumHealthCheck.Result result = check.check();
    return (result.up() ? Health.up() : Health.down()).withDetails(result.details()).build();
  }

  @Override
  public void destroy() {
    check.close();
  }
}
