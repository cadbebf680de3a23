package dev.apium.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.Task;
import dev.apium.spring.test.ApiumTest;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

@ApiumTest(classes = ApiumTestModeTest.TestApp.class)
class ApiumTestModeTest {
  static final AtomicInteger adviceCalls = new AtomicInteger();

  @Autowired Apium apium;

  @Test
  void aTaskOfASpringBeanRunsOnTheContextsOwnMemoryWorker() {
    assertThat(apium.brokerUrl()).startsWith("memory://apium-test-");
    assertThat(apium.send("math.add", 2, 3).get(Duration.ofSeconds(10))).isEqualTo(5);
  }

  @Test
  void aTaskOfAProxiedBeanRunsThroughItsAdvice() {
    int before = adviceCalls.get();
    assertThat(apium.send("greetings.hello", "Ada").get(Duration.ofSeconds(10)))
        .isEqualTo("Hello, Ada");
    assertThat(adviceCalls.get()).isEqualTo(before + 1);
  }

  @Test
  void everyTaskBeanIsRegistered() {
    assertThat(apium.taskNames()).contains("math.add", "greetings.hello");
  }

  @SpringBootConfiguration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class TestApp {
    @Bean
    MathTasks mathTasks() {
      return new MathTasks();
    }

    @Bean
    Greetings greetings() {
      ProxyFactory factory = new ProxyFactory(new Greetings());
      factory.setProxyTargetClass(true);
      factory.addAdvice(
          (MethodInterceptor)
              invocation -> {
                adviceCalls.incrementAndGet();
                return invocation.proceed();
              });
      return (Greetings) factory.getProxy();
    }
  }

  public static class MathTasks {
    @Task("math.add")
    public int add(int x, int y) {
      return x + y;
    }
  }

  public static class Greetings {
    @Task("greetings.hello")
    public String hello(String name) {
      return "Hello, " + name;
    }
  }
}
