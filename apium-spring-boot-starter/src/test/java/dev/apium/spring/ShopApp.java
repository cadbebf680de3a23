package dev.apium.spring;

import dev.apium.Task;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot application the ITs start: one {@code @Task} bean, everything else from the
 * starter's auto-configuration. Each IT gives it its own queue in Redis db 7 (see
 * docs/test-redis-dbs.md).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ShopApp {
  static final String REDIS_DB_7 = "redis://127.0.0.1:6379/7";

  @Bean
  OrderTasks orderTasks() {
    return new OrderTasks();
  }

  /** Starts the app with these properties, without a web server and without APIUM_* variables. */
  static ConfigurableApplicationContext run(String... properties) {
    return new SpringApplicationBuilder(ShopApp.class)
        .web(WebApplicationType.NONE)
        .properties("apium.load-environment=false", "spring.main.banner-mode=off")
        .properties(properties)
        .run();
  }

  /** A queue name no other test uses. */
  static String uniqueQueue() {
    return "spring-it-" + UUID.randomUUID();
  }

  /** The task bean; the latches let a test hold a task while it is running. */
  public static class OrderTasks {
    static volatile CountDownLatch started = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(0);

    @Task("orders.total")
    public int total(int quantity, int unitPrice) {
      return quantity * unitPrice;
    }

    @Task("orders.ship")
    public String ship(String orderId) throws InterruptedException {
      started.countDown();
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test never released order " + orderId);
      }
      return "shipped " + orderId;
    }
  }
}
