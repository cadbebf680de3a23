package dev.apium.spring.boot3;

import dev.apium.Apium;
import dev.apium.spring.ApiumAutoConfiguration;
import dev.apium.spring.ApiumProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code apium} health indicator on Spring Boot 3.5 with spring-boot-starter-actuator; inert on
 * Boot 4, whose actuator no longer has {@code org.springframework.boot.actuate.health}. Off with
 * {@code management.health.apium.enabled=false}. Runs on the thread that refreshes the context.
 */
@AutoConfiguration(after = ApiumAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(Apium.class)
@ConditionalOnProperty(
    prefix = "management.health.apium",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
public class ApiumBoot3HealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "apiumHealthIndicator")
  public ApiumBoot3HealthIndicator apiumHealthIndicator(Apium apium, ApiumProperties properties) {
    return new ApiumBoot3HealthIndicator(apium, properties.getHealth().getTimeout());
  }
}
