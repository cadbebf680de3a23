package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.ApiumConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ApiumPropertiesTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ApiumAutoConfiguration.class))
          .withPropertyValues("apium.load-environment=false");

  @Test
  void typedPropertiesBecomeCelerySettings() {
    runner
        .withPropertyValues(
            "apium.broker-url=memory://typed",
            "apium.result-backend=memory://typed-results",
            "apium.worker.concurrency=3",
            "apium.worker.prefetch-multiplier=2")
        .run(
            context -> {
              Apium app = context.getBean(Apium.class);
              assertThat(app.brokerUrl()).isEqualTo("memory://typed");
              assertThat(app.backendUrl()).isEqualTo("memory://typed-results");
              assertThat(app.config().get(ApiumConfig.CONCURRENCY)).isEqualTo("3");
              assertThat(app.config().get(ApiumConfig.PREFETCH_MULTIPLIER)).isEqualTo("2");
            });
  }

  @Test
  void celerySpellingOfTheTypedNamesBindsThroughRelaxedBinding() {
    runner
        .withPropertyValues("apium.broker_url=memory://underscored", "apium.result_backend=rpc://")
        .run(
            context -> {
              Apium app = context.getBean(Apium.class);
              assertThat(app.brokerUrl()).isEqualTo("memory://underscored");
              assertThat(app.backendUrl()).isEqualTo("rpc://");
            });
  }

  @Test
  void anyCeleryNameIsAcceptedUnderApiumCelery() {
    runner
        .withPropertyValues(
            "apium.celery.broker_url=memory://aliased",
            "apium.celery.task_default_queue=images",
            "apium.celery.result-expires=60",
            "apium.celery.Task_Acks_Late=true")
        .run(
            context -> {
              ApiumConfig config = context.getBean(Apium.class).config();
              assertThat(config.get(ApiumConfig.BROKER_URL)).isEqualTo("memory://aliased");
              assertThat(config.get(ApiumConfig.DEFAULT_QUEUE)).isEqualTo("images");
              assertThat(config.get(ApiumConfig.RESULT_EXPIRES)).isEqualTo("60");
              assertThat(config.getBoolean(ApiumConfig.ACKS_LATE, false)).isTrue();
            });
  }

  @Test
  void aTypedPropertyAndItsCeleryAliasThatDisagreeStopTheStart() {
    runner
        .withPropertyValues(
            "apium.broker-url=memory://one", "apium.celery.broker_url=memory://other")
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .rootCause()
                    .hasMessage(
                        "apium.broker-url=memory://one and apium.celery.broker_url=memory://other"
                            + " disagree: set only one of them"));
  }

  @Test
  void aTypedPropertyAndAnAgreeingAliasAreFine() {
    runner
        .withPropertyValues(
            "apium.broker-url=memory://same", "apium.celery.broker_url=memory://same")
        .run(
            context ->
                assertThat(context.getBean(Apium.class).brokerUrl()).isEqualTo("memory://same"));
  }

  @Test
  void theAppIsNamedAfterTheSpringApplication() {
    runner
        .withPropertyValues("apium.broker-url=memory://named", "spring.application.name=shop")
        .run(context -> assertThat(context.getBean(Apium.class).name()).isEqualTo("shop"));
    runner
        .withPropertyValues(
            "apium.broker-url=memory://named", "spring.application.name=shop", "apium.name=orders")
        .run(context -> assertThat(context.getBean(Apium.class).name()).isEqualTo("orders"));
  }

  @Test
  void theWorkerRunsOnlyWhenEnabled() {
    runner
        .withPropertyValues("apium.broker-url=memory://off")
        .run(context -> assertThat(context).doesNotHaveBean(ApiumWorkerLifecycle.class));
    runner
        .withPropertyValues("apium.broker-url=memory://on", "apium.worker.enabled=true")
        .run(
            context -> {
              ApiumWorkerLifecycle worker = context.getBean(ApiumWorkerLifecycle.class);
              assertThat(worker.isRunning()).isTrue();
              assertThat(worker.worker().queues()).containsExactly("celery");
            });
    runner
        .withPropertyValues("apium.test.mode=memory", "apium.worker.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ApiumWorkerLifecycle.class));
  }

  @Test
  void workerPropertiesReachTheWorker() {
    runner
        .withPropertyValues(
            "apium.test.mode=memory",
            "apium.worker.queues=images,mail",
            "apium.worker.concurrency=2",
            "apium.worker.nodename=spring@test")
        .run(
            context -> {
              var worker = context.getBean(ApiumWorkerLifecycle.class).worker();
              assertThat(worker.queues()).containsExactly("images", "mail");
              assertThat(worker.concurrency()).isEqualTo(2);
              assertThat(worker.nodename()).isEqualTo("spring@test");
            });
  }

  @Test
  void memoryTestModeGivesEachContextItsOwnTransport() {
    runner
        .withPropertyValues("apium.test.mode=memory", "apium.broker-url=redis://ignored:6379/0")
        .run(
            first ->
                runner
                    .withPropertyValues("apium.test.mode=memory")
                    .run(
                        second -> {
                          String one = first.getBean(Apium.class).brokerUrl();
                          String two = second.getBean(Apium.class).brokerUrl();
                          assertThat(one).startsWith("memory://apium-test-").isNotEqualTo(two);
                          assertThat(first.getBean(Apium.class).backendUrl()).isEqualTo(one);
                        }));
  }
}
