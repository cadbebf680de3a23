package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exception dicts as Celery's JSON serializer writes them, and their Python repr. */
class ExceptionInfoTest {

  @Test
  void roundTripsThroughJsonInCeleryOrder() {
    ExceptionInfo info = ExceptionInfo.of("builtins", "ValueError", "boom");
    String json = CeleryJson.write(info.toJson());
    assertThat(json)
        .isEqualTo(
            "{\"exc_type\":\"ValueError\",\"exc_message\":[\"boom\"],\"exc_module\":\"builtins\"}");
    assertThat(ExceptionInfo.fromJson(CeleryJson.parse(json))).isEqualTo(info);
    assertThat(info.message()).isEqualTo("boom");
  }

  @Test
  void keepsSeveralArgumentsOfAnyType() {
    ExceptionInfo info =
        ExceptionInfo.fromJson(
            CeleryJson.parse(
                "{\"exc_type\": \"KeyError\", \"exc_message\": [\"k\", 2, null, true],"
                    + " \"exc_module\": \"builtins\"}"));
    assertThat(info.args()).isEqualTo(Arrays.asList("k", 2, null, true));
    assertThat(info.repr()).isEqualTo("KeyError('k', 2, None, True)");
    assertThat(ExceptionInfo.fromJson(info.toJson())).isEqualTo(info);
  }

  @Test
  void revokedDictFromCelerySource() {
    ExceptionInfo info =
        ExceptionInfo.fromJson(
            CeleryJson.parse(
                "{\"exc_type\":\"TaskRevokedError\",\"exc_message\":[\"expired\"],"
                    + "\"exc_module\":\"celery.exceptions\"}"));
    assertThat(info.module()).isEqualTo("celery.exceptions");
    assertThat(info.repr()).isEqualTo("TaskRevokedError('expired')");
  }

  @Test
  void aPlainStringMessageAndAMissingModuleAreAccepted() {
    ExceptionInfo info =
        ExceptionInfo.fromJson(
            CeleryJson.parse("{\"exc_type\": \"Exception\", \"exc_message\": \"old style\"}"));
    assertThat(info.args()).containsExactly("old style");
    assertThat(info.module()).isEqualTo("builtins");
  }

  @Test
  void noArgumentsReprsAsEmptyCall() {
    ExceptionInfo info = new ExceptionInfo("RuntimeError", List.of(), "builtins");
    assertThat(info.repr()).isEqualTo("RuntimeError()");
    assertThat(info.message()).isEmpty();
  }

  @Test
  void aDictWithoutExcTypeIsNotAnException() {
    assertThat(ExceptionInfo.isExceptionDict(CeleryJson.parse("{\"x\": 1}"))).isFalse();
    assertThatThrownBy(() -> ExceptionInfo.fromJson(CeleryJson.parse("{\"x\": 1}")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("exception dict");
  }
}
