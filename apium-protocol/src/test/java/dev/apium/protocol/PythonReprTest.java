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
}
