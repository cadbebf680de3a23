package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Python repr() strings for argsrepr, kwargsrepr and event fields. */
class PythonReprTest {

  private static String args(String json) {
    return PythonRepr.ofArgs(CeleryJson.parse(json));
  }

  private static String repr(String json) {
    return PythonRepr.of(CeleryJson.parse(json));
  }

  @Test
  void argsAreATuple() {
    assertThat(args("[2, 3]")).isEqualTo("(2, 3)");
    assertThat(args("[42]")).isEqualTo("(42,)");
    assertThat(args("[]")).isEqualTo("()");
    assertThat(PythonRepr.ofArgs(null)).isEqualTo("()");
  }

  @Test
  void kwargsAreADict() {
    assertThat(repr("{\"x\": 1, \"y\": 2}")).isEqualTo("{'x': 1, 'y': 2}");
    assertThat(repr("{}")).isEqualTo("{}");
  }

  @Test
  void constantsAndNumbersAreSpelledAsPython() {
    assertThat(repr("[true, false, null, 2.5, -3]")).isEqualTo("[True, False, None, 2.5, -3]");
  }

  @Test
  void stringsAreQuotedAsPython() {
    assertThat(repr("\"it's\"")).isEqualTo("\"it's\"");
    assertThat(repr("\"say \\\"hi\\\" it's\"")).isEqualTo("'say \"hi\" it\\'s'");
    assertThat(repr("\"a\\nb\\\\c\"")).isEqualTo("'a\\nb\\\\c'");
    assertThat(repr("\"h\u00e9llo\"")).isEqualTo("'h\u00e9llo'");
    assertThat(repr("\"bell\\u0007\"")).isEqualTo("'bell\\x07'");
  }

  @Test
  void longReprsAreCutTo1024Characters() {
    String text = PythonRepr.ofArgs(CeleryJson.toTree(java.util.List.of("x".repeat(2000))));
    assertThat(text).hasSize(1024).endsWith("...");
  }

  /**
   * A repr cut short is the first 1021 characters of the whole repr and "...", wherever the cut
   * falls (inside a string, an escape, a nested list), for seeded random args; the whole repr is
   * put together from the reprs of the parts, each short enough not to be cut.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void aCutReprIsThePrefixOfTheWholeOne(long seed) {
    java.util.Random random = new java.util.Random(seed);
    java.util.List<Object> parts = new java.util.ArrayList<>();
    StringBuilder whole = new StringBuilder("(");
    for (int i = 0; i < 8; i++) {
      String text = "ab'\\\n\"".repeat(1 + random.nextInt(60));
      Object part = random.nextBoolean() ? text : java.util.List.of(i, text);
      parts.add(part);
      String partRepr = PythonRepr.of(CeleryJson.toTree(part));
      assertThat(partRepr).hasSizeLessThan(1024);
      whole.append(i == 0 ? "" : ", ").append(partRepr);
    }
    whole.append(')');
    assertThat(whole.length()).isGreaterThan(1024);
    assertThat(PythonRepr.ofArgs(CeleryJson.toTree(parts)))
        .isEqualTo(whole.substring(0, 1021) + "...");
  }
}
