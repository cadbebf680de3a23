package dev.apium.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.TaskOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void backoffDoublesUpToTheMaximumAndJitterStaysBelow() {
    TaskOptions exact =
        TaskOptions.DEFAULTS.withRetryBackoff(
            Duration.ofSeconds(1), Duration.ofSeconds(600), false);
    assertThat(Backoff.delay(exact, 0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.delay(exact, 3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(Backoff.delay(exact, 9)).isEqualTo(Duration.ofSeconds(512));
    assertThat(Backoff.delay(exact, 10)).isEqualTo(Duration.ofSeconds(600));
    assertThat(Backoff.delay(exact, 60)).isEqualTo(Duration.ofSeconds(600));
    TaskOptions jitter =
        TaskOptions.DEFAULTS.withRetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(600), true);
    assertThat(Backoff.delay(jitter, 3, bound -> bound / 2)).isEqualTo(Duration.ofSeconds(4));
    for (int i = 0; i < 50; i++) {
      assertThat(Backoff.delay(jitter, 4)).isBetween(Duration.ZERO, Duration.ofSeconds(16));
    }
    assertThat(Backoff.delay(TaskOptions.DEFAULTS, 2)).isNull();
  }
}
