package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.StringWriter;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Fixed-point numbers written as JSON numbers equal the division they stand for. */
class DecimalTextTest {
  private static String text(long units, int scale) throws Exception {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = PlainJson.FACTORY.createGenerator(out)) {
      DecimalText.write(g, units, scale);
    }
    return out.toString();
  }

  @ParameterizedTest
  @CsvSource({
    "1795515189939134, 6, 1795515189.939134",
    "1795515189000001, 6, 1795515189.000001",
    "3524634, 9, 0.003524634",
    "0, 6, 0.000000",
    "-1500000, 6, -1.500000",
    "7, 0, 7"
  })
  void writesTheQuotientWithItsScale(long units, int scale, String expected) throws Exception {
    assertThat(text(units, scale)).isEqualTo(expected);
  }

  static LongStream seeded() {
    return new Random(20261204).longs(200, 0, 4_000_000_000_000_000L);
  }

  @ParameterizedTest
  @MethodSource("seeded")
  void pythonAndJacksonReadTheSameValue(long micros) throws Exception {
    String text = text(micros, 6);
    assertThat(new java.math.BigDecimal(text))
        .isEqualByComparingTo(java.math.BigDecimal.valueOf(micros, 6));
    assertThat(CeleryJson.parse(text).isNumber()).isTrue();
  }
}
