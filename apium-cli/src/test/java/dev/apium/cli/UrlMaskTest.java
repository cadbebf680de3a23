package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.apium.Apium;
import dev.apium.spi.Transports;
import dev.apium.testing.MalformedUrls;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets never appear in output, however malformed the URL: seeded URLs with raw {@code /},
 * {@code @}, {@code :} in passwords, missing schemes and query passwords, through {@link
 * Transports#mask} and the errors of building a broker from them with every transport on the
 * classpath (nothing listens on their port, so most fail fast; one misread as the default local
 * server may connect, and then its description is checked).
 */
class UrlMaskTest {
  static Stream<String> urls() {
    return Stream.of("redis", "amqp", "kafka", "sqlite", "postgresql")
        .flatMap(s -> MalformedUrls.urls(s, 20261204L + s.hashCode(), 60).stream());
  }

  @ParameterizedTest
  @MethodSource("urls")
  void maskHidesThePassword(String url) {
    assertThat(Transports.mask(url)).doesNotContain(MalformedUrls.MARKER).contains("***");
  }

  static Stream<String> connectable() {
    return Stream.of("redis", "rediss", "amqp", "amqps", "postgresql", "kafka")
        .flatMap(s -> MalformedUrls.urls(s, 42L + s.hashCode(), 21).stream());
  }

  @ParameterizedTest
  @MethodSource("connectable")
  void buildingABrokerNeverPrintsThePassword(String url) {
    java.util.List<String> printed = new java.util.ArrayList<>();
    Throwable error =
        catchThrowable(
            () -> {
              try (Apium app =
                  Apium.builder()
                      .withoutEnvironment()
                      .broker(url)
                      .config("broker_connection_retry_on_startup", "false")
                      .build()) {
                printed.add(app.broker().describe());
              }
            });
    assertThat(printed).noneMatch(text -> text.contains(MalformedUrls.MARKER));
    for (Throwable e = error; e != null; e = e.getCause()) {
      assertThat(String.valueOf(e.getMessage())).doesNotContain(MalformedUrls.MARKER);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "redis://localhost:6379/0",
        "amqp://guest:***@localhost:5672//",
        "sqlite:.apium/apium.db",
        "memory://"
      })
  void urlsWithoutSecretsAreUnchanged(String url) {
    assertThat(Transports.mask(url)).isEqualTo(url);
  }
}
