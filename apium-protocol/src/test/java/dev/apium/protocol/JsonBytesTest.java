package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the lean writer writes reads back, through Jackson, as exactly the values written: texts of
 * every kind (quotes, control characters, non-ASCII, surrogate pairs, lone surrogates), numbers,
 * fixed-point decimals, and the plain maps and lists of worker events.
 */
class JsonBytesTest {
  private static JsonNode read(JsonBytes out) {
    return CeleryJson.parse(new String(out.toByteArray(), StandardCharsets.UTF_8));
  }

  private static JsonNode object(Consumer<JsonBytes> fields) {
    JsonBytes out = new JsonBytes(16);
    out.startObject();
    fields.accept(out);
    out.endObject();
    return read(out);
  }

  static Stream<String> texts() {
    Random random = new Random(4122026);
    Stream<String> known =
        Stream.of(
            "",
            "plain",
            "{\"a\": \"b\\\\c\"}",
            "line\nbreak\r\ttab",
            "nul\u0000 del\u007f",
            "Grüße, 東京, 🎉");
    Stream<String> seeded =
        Stream.generate(
                () -> {
                  StringBuilder text = new StringBuilder();
                  int length = random.nextInt(40);
                  for (int i = 0; i < length; i++) {
                    int pick = random.nextInt(12);
                    if (pick < 2) {
                      text.append((char) random.nextInt(0x20));
                    } else if (pick < 4) {
                      text.append("\"\\".charAt(random.nextInt(2)));
                    } else if (pick < 8) {
                      text.append((char) (0x20 + random.nextInt(0x5f)));
                    } else if (pick < 10) {
                      text.append((char) (0xa0 + random.nextInt(0x3000)));
                    } else if (pick < 11) {
                      text.appendCodePoint(0x10000 + random.nextInt(0x10000));
                    } else {
                      text.append((char) (0xd800 + random.nextInt(0x800))); // a lone surrogate
                    }
                  }
                  return text.toString();
                })
            .limit(300);
    return Stream.concat(known, seeded);
  }

  @ParameterizedTest
  @MethodSource("texts")
  void textsReadBackAsWritten(String text) {
    JsonNode read = object(out -> out.field(JsonBytes.Name.of("t"), text));
    String expected = CeleryJson.parse(CeleryJson.write(text)).asText();
    assertThat(read.path("t").asText()).isEqualTo(expected);
  }

  static LongStream numbers() {
    return LongStream.concat(
        LongStream.concat(
            LongStream.of(
                0, 1, -1, 9, 10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, 999_999_999_999L),
            powerOfTenEdges()),
        new Random(20261205).longs(200));
  }

  /** 10^k - 1, 10^k and 10^k + 1 for every k, both signs: every digit count, odd and even. */
  static LongStream powerOfTenEdges() {
    LongStream.Builder edges = LongStream.builder();
    for (long p = 10; p > 0 && p <= 1_000_000_000_000_000_000L; p *= 10) {
      for (long n : new long[] {p - 1, p, p + 1}) {
        edges.add(n).add(-n);
      }
    }
    return edges.build();
  }

  @ParameterizedTest
  @MethodSource("numbers")
  void numbersAreWrittenAsJavaWritesThem(long n) {
    JsonBytes out = new JsonBytes(4);
    out.number(n);
    assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII))
        .isEqualTo(Long.toString(n));
  }

  @ParameterizedTest
  @MethodSource("numbers")
  void numbersReadBackAsWritten(long n) {
    assertThat(object(out -> out.field(JsonBytes.Name.of("n"), n)).path("n").asLong()).isEqualTo(n);
  }

  @ParameterizedTest
  @CsvSource({
    "1795515189939134, 6, 1795515189.939134",
    "1795515189000001, 6, 1795515189.000001",
    "3524634, 9, 0.003524634",
    "0, 6, 0.000000",
    "-1500000, 6, -1.500000",
    "7, 0, 7",
    "123456789, 9, 0.123456789",
    "1234567890, 9, 1.234567890",
    "5, 3, 0.005",
    "-5, 1, -0.5"
  })
  void decimalsAreTheQuotientWithTheirScale(long units, int scale, String expected) {
    JsonBytes out = new JsonBytes(4);
    out.decimal(units, scale);
    assertThat(new String(out.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("numbers")
  void microsecondTimestampsReadBackExactly(long n) {
    long micros = Math.floorMod(n, 4_000_000_000_000_000L);
    JsonBytes out = new JsonBytes(4);
    out.decimal(micros, 6);
    assertThat(new BigDecimal(new String(out.toByteArray(), StandardCharsets.US_ASCII)))
        .isEqualByComparingTo(BigDecimal.valueOf(micros, 6));
  }

  /** Jackson cannot read back its own field names with a lone surrogate: well-formed texts. */
  static Stream<String> wellFormedTexts() {
    return texts().filter(t -> t.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF));
  }

  @ParameterizedTest
  @MethodSource("wellFormedTexts")
  void plainMapsAndListsReadBackAsJacksonWritesThem(String text) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("freq", 2.0);
    fields.put("active", 3);
    fields.put("processed", 14L);
    fields.put("loadavg", List.of(0.67, 0.24, 0.09));
    fields.put("nothing", null);
    fields.put("flag", true);
    fields.put("nested", Map.of(text, List.of(text, 1)));
    fields.put("nan", Double.NaN);
    assertThat(object(out -> fields.forEach(out::field)))
        .isEqualTo(CeleryJson.parse(CeleryJson.write(fields)));
  }
}
