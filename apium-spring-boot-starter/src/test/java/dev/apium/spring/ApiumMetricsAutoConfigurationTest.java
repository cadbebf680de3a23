package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.metrics.CeleryMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * When the optional metrics auto-configuration adds {@link CeleryMetrics}, and when it stays out.
 */
class ApiumMetricsAutoConfigurationTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  ApiumAutoConfiguration.class, ApiumMetricsAutoConfiguration.class))
          .withPropertyValues(
              "apium.load-environment=false",
              "apium.broker-url=memory://metrics-autoconfig",
              "apium.result-backend=memory://metrics-autoconfig");

  @Test
  void aMeterRegistryBeanGetsCeleryMetricsRegisteredOnTheApp() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(
            context -> {
              assertThat(context).hasSingleBean(CeleryMetrics.class);
              assertThat(context.getBean(Apium.class).listeners())
                  .contains(context.getBean(CeleryMetrics.class));
            });
  }

  @Test
  void noMeterRegistryNoMetrics() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(CeleryMetrics.class);
          assertThat(context.getBean(Apium.class).listeners()).isEmpty();
        });
  }

  @Test
  void withoutApiumMetricsOnTheClasspathTheAppStillStarts() {
    runner
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withClassLoader(new FilteredClassLoader(CeleryMetrics.class))
        .run(
            context -> {
              assertThat(context).hasNotFailed().hasSingleBean(Apium.class);
              assertThat(context).doesNotHaveBean("apiumCeleryMetrics");
            });
  }
}
