package dev.apium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apium.Apium;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Commands built without a broker say, in one line, that they use the embedded one and where. */
class EmbeddedNoticeTest {
  private static String stderrOf(AppOptions options) {
    PrintStream original = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
    try (Apium app = options.build()) {
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      System.setErr(original);
    }
  }

  @Test
  void noBrokerPrintsOneLineNamingTheEmbeddedFile() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getenv("CELERY_BROKER_URL") == null && System.getenv("APIUM_BROKER_URL") == null,
        "a broker is configured in this environment");
    String printed = stderrOf(new AppOptions());
    assertThat(printed.lines().toList())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("apium: No broker configured")
                    .contains("embedded broker sqlite:.apium/apium.db")
                    .contains("apium.db"));
  }

  @Test
  void aGivenBrokerPrintsNothing() {
    AppOptions options = new AppOptions();
    options.broker = "memory://";
    assertThat(stderrOf(options)).isEmpty();
  }
}
