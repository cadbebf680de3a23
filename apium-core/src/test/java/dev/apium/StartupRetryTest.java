package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apium.spi.BrokerException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Start-up connection retries: kombu's backoff, the retry count, and the one final line. */
class StartupRetryTest {
  private static final String URL = "redis://user:s3cret@db.example:6379/0";

  private static StartupRetry retry(Map<String, String> settings) {
    return new StartupRetry(ApiumConfig.of(settings));
  }

  @Test
  void backoffIsKombusTwoSecondStepsUpToThirty() {
    StartupRetry r = retry(Map.of());
    assertThat(r.delay(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.delay(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(r.delay(15)).isEqualTo(Duration.ofSeconds(30));
    assertThat(r.delay(99)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void retriesUntilTheServerAnswers() {
    AtomicInteger calls = new AtomicInteger();
    String out =
        retry(Map.of(StartupRetry.INTERVAL_START, "0.001"))
            .open(
                "broker",
                URL,
                () -> {
                  if (calls.incrementAndGet() < 4) {
                    throw new BrokerException("connection refused");
                  }
                  return "connected";
                });
    assertThat(out).isEqualTo("connected");
    assertThat(calls).hasValue(4);
  }

  @Test
  void givesUpAfterMaxRetriesWithOneMaskedLine() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry(Map.of(StartupRetry.INTERVAL_START, "0.001", StartupRetry.MAX_RETRIES, "3"))
                    .open(
                        "broker",
                        URL,
                        () -> {
                          calls.incrementAndGet();
                          throw new BrokerException("connection refused\nsecond line");
                        }))
        .isInstanceOf(BrokerException.class)
        .hasMessage(
            "cannot connect to broker redis://user:***@db.example:6379/0 after 3 retries:"
                + " connection refused (raise broker_connection_max_retries, 0 retries forever)");
    assertThat(calls).hasValue(4);
  }

  @Test
  void retriesOffFailsAtOnceNamingTheBroker() {
    for (String key : new String[] {StartupRetry.RETRY_ON_STARTUP, StartupRetry.RETRY}) {
      AtomicInteger calls = new AtomicInteger();
      assertThatThrownBy(
              () ->
                  retry(Map.of(key, "false"))
                      .open(
                          "broker",
                          URL,
                          () -> {
                            calls.incrementAndGet();
                            throw new BrokerException("connection refused");
                          }))
          .hasMessageStartingWith(
              "cannot connect to broker redis://user:***@db.example:6379/0: connection refused")
          .hasMessageNotContaining("s3cret");
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void onStartupSettingWinsOverTheGeneralOne() {
    AtomicInteger calls = new AtomicInteger();
    String out =
        retry(
                Map.of(
                    StartupRetry.RETRY, "false",
                    StartupRetry.RETRY_ON_STARTUP, "true",
                    StartupRetry.INTERVAL_START, "0.001"))
            .open(
                "broker",
                URL,
                () -> {
                  if (calls.incrementAndGet() < 2) {
                    throw new BrokerException("refused");
                  }
                  return "ok";
                });
    assertThat(out).isEqualTo("ok");
  }

  @Test
  void otherErrorsAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry(Map.of())
                    .open(
                        "broker",
                        URL,
                        () -> {
                          calls.incrementAndGet();
                          throw new IllegalArgumentException("no transport for scheme 'redsi'");
                        }))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(calls).hasValue(1);
  }
}
