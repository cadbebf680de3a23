package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.Task;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ApiumTaskRegistrarTest {
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ApiumAutoConfiguration.class))
          .withPropertyValues(
              "apium.load-environment=false", "apium.broker-url=memory://registrar");

  @Test
  void plainBeansWithoutTasksAreLeftAlone() {
    runner
        .withBean("clock", java.time.Clock.class, java.time.Clock::systemUTC)
        .withBean(Reports.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(Apium.class).taskNames()).containsExactly("reports.daily");
            });
  }

  @Test
  void anInterfaceProxyHidingTaskMethodsIsRefusedWithAHint() {
    runner
        .withBean(
            "reportSupplier",
            Supplier.class,
            () -> {
              ProxyFactory factory = new ProxyFactory(new SupplierWithTask());
              factory.setInterfaces(Supplier.class);
              return (Supplier<?>) factory.getProxy();
            })
        .run(
            context ->
                assertThat(context)
                    .hasFailed()
                    .getFailure()
                    .hasMessageContaining("bean 'reportSupplier' has @Task methods")
                    .hasMessageContaining("spring.aop.proxy-target-class=true"));
  }

  public static class Reports {
    @Task("reports.daily")
    public String daily() {
      return "ok";
    }
  }

  public static class SupplierWithTask implements Supplier<String> {
    @Override
    public String get() {
      return "x";
    }

    @Task("reports.supplied")
    public String supplied() {
      return "y";
    }
  }
}
