package dev.apium.spring;

import dev.apium.Apium;
import dev.apium.listen.TaskListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Apium in a Spring Boot application: the {@link Apium} bean built from the
 * {@code apium.*} properties (closed with the context) with every {@link TaskListener} bean of the
 * context registered on it (in {@code @Order}; they see publishes and the worker's task events),
 * the registration of every singleton bean's {@code @Task} methods, and the worker as a lifecycle
 * bean when {@code apium.worker.enabled}. Runs on the thread that refreshes the context.
 */
@AutoConfiguration
@EnableConfigurationProperties(ApiumProperties.class)
public class ApiumAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Apium apium(
      ApiumProperties properties, Environment environment, ObjectProvider<TaskListener> listeners) {
    String name = properties.getName();
    if (name == null || name.isBlank()) {
      name = environment.getProperty("spring.application.name", "apium");
    }
    Apium.Builder builder = Apium.builder().name(name);
    ApiumSettings.of(properties).forEach(builder::config);
    if (!properties.isLoadEnvironment()
        || properties.getTest().getMode() == ApiumProperties.TestMode.MEMORY) {
      builder.withoutEnvironment();
    }
    listeners.orderedStream().forEach(builder::listener);
    return builder.build();
  }

  @Bean
  public static ApiumTaskRegistrar apiumTaskRegistrar(
      ConfigurableListableBeanFactory beanFactory, ObjectProvider<Apium> apium) {
    return new ApiumTaskRegistrar(beanFactory, apium);
  }

  @Bean
  @ConditionalOnMissingBean
  @Conditional(WorkerEnabledCondition.class)
  public ApiumWorkerLifecycle apiumWorker(Apium apium, ApiumProperties properties) {
    return new ApiumWorkerLifecycle(apium, properties.getWorker());
  }
}
