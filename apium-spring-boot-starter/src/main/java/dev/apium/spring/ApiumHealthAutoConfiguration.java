package dev.apium.spring;

import dev.apium.Apium;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code apium} Actuator health indicator, when Spring Boot's health support is on the
 * classpath (spring-boot-starter-actuator) and {@code management.health.apium.enabled} is not
 * false. Runs on the thread that refreshes the context.
 */
@AutoConfiguration(after = ApiumAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Apium.class)
@ConditionalOnEnabledHealthIndicator("apium")
public class ApiumHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "apiumHealthIndicator")
  public ApiumHealthIndicator apiumHealthIndicator(Apium apium, ApiumProperties properties) {
    return new ApiumHealthIndicator(apium, properties.getHealth().getTimeout());
  }
}
