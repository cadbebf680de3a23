package dev.apium.samples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import dev.apium.AsyncResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Starts the app against the Redis on 127.0.0.1:6379 (db 7, a queue of this run's own) and sends a
 * task to the app's own worker through it. Runs on Spring Boot 4 and, with -Pboot3, on 3.5.
 */
@SpringBootTest(
    properties = {
      "apium.broker-url=redis://127.0.0.1:6379/7",
      "apium.result-backend=redis://127.0.0.1:6379/7",
      "apium.celery.task_default_queue=sample-spring-${random.uuid}"
    })
class SampleApplicationTest {
  @Autowired Apium apium;

  @Test
  void theAppsWorkerRunsAnInvoiceTaskSentThroughRedis() {
    AsyncResult<Object> result =
        apium.send(
            "invoices.total",
            "FR",
            List.of(
                Map.of("quantity", 2, "unitPrice", "9.50"),
                Map.of("quantity", 1, "unitPrice", "20.00")));
    assertThat(result.get(Duration.ofSeconds(30))).isEqualTo("46.80");
    assertThat(result.state()).isEqualTo("SUCCESS");
  }
}
