package dev.apium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Serializer settings Apium cannot honour are refused with one line, not silently ignored. */
class SigningSettingsTest {
  @Test
  void aResultSerializerOtherThanJsonIsRefusedByName() {
    assertThatThrownBy(
            () ->
                MessageCodec.of(ApiumConfig.of(Map.of("result_serializer", "auth")), Instant.now()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("result_serializer=auth is not supported")
        .hasMessageContaining("set it to json");
    assertThat(MessageCodec.of(ApiumConfig.of(Map.of("result_serializer", "json")), Instant.now()))
        .isNotNull();
  }
}
