package dev.apium.spring.boot3;

import dev.apium.Apium;
import dev.apium.spring.ApiumHealthCheck;
import java.time.Duration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Actuator health of Apium on Spring Boot 3.5 (contributor {@code apium}), whose health API lives
 * in {@code org.springframework.boot.actuate.health}: the {@link ApiumHealthCheck} as its {@link
 * HealthIndicator}. Called on health-request threads.
 */
public final class ApiumBoot3HealthIndicator implements HealthIndicator, DisposableBean {
  private final ApiumHealthCheck check;

  public ApiumBoot3HealthIndicator(Apium app, Duration timeout) {
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
