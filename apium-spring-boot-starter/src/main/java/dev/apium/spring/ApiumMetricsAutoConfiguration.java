package dev.apium.spring;

import dev.apium.Apium;
import dev.apium.metrics.CeleryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Optional auto-configuration: when {@code apium-metrics} and Micrometer are on the classpath and
 * the context has a {@link MeterRegistry} (Actuator's, or the application's own), a {@link
 * CeleryMetrics} bean counts into it under the Celery exporter's names. Being a {@code
 * TaskListener} bean, {@link ApiumAutoConfiguration} registers it on the {@link Apium} bean; once
 * every singleton exists it is pointed at the app's broker for {@code celery_queue_length}. Neither
 * library is a required dependency of the starter. Runs on the thread that refreshes the context.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
    })
@ConditionalOnClass(
    name = {"dev.apium.metrics.CeleryMetrics", "io.micrometer.core.instrument.MeterRegistry"})
@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
public class ApiumMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  public CeleryMetrics apiumCeleryMetrics(MeterRegistry registry) {
    return new CeleryMetrics(registry);
  }

  /** Queue lengths are read from the app's broker: set once the {@link Apium} bean exists. */
  @Bean
  public SmartInitializingSingleton apiumMetricsQueueLengths(
      ObjectProvider<CeleryMetrics> metrics, ObjectProvider<Apium> apium) {
    return () -> {
      CeleryMetrics m = metrics.getIfAvailable();
      Apium app = apium.getIfAvailable();
      if (m != null && app != null) {
        m.queueLengthsFrom(app);
      }
    };
  }
}
