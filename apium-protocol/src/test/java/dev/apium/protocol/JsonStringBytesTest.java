package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Escaped bytes, put between quotes, read back as the very text they came from. */
class JsonStringBytesTest {
  private static void roundTrips(String text) {
    byte[] escaped = JsonStringBytes.escape(text.getBytes(StandardCharsets.UTF_8));
    String json = "\"" + new String(escaped, StandardCharsets.UTF_8) + "\"";
    assertThat(CeleryJson.parse(json)).isEqualTo(TextNode.valueOf(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "{\"a\": \"b\\\\c\"}",
        "line\nbreak\r\ttab",
        "bell\u0007 nul\u0000 esc\u001b",
        "Grüße, 東京, 🎉"
      })
  void knownTextsRoundTrip(String text) {
    roundTrips(text);
  }

  static Stream<String> seeded() {
    Random random = new Random(4122026);
    return Stream.generate(
            () -> {
              StringBuilder text = new StringBuilder();
              int length = random.nextInt(60);
              for (int i = 0; i < length; i++) {
                int pick = random.nextInt(10);
                text.appendCodePoint(
                    pick < 3
                        ? random.nextInt(0x20)
                        : pick < 5
                            ? "\"\\".charAt(random.nextInt(2))
                            : pick < 9
                                ? 0x20 + random.nextInt(0x5f)
                                : 0xa0 + random.nextInt(0x2000));
              }
              return text.toString();
            })
        .limit(300);
  }

  @ParameterizedTest
  @MethodSource("seeded")
  void seededTextsRoundTrip(String text) {
    roundTrips(text);
  }
}
