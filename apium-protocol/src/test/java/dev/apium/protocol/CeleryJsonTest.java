package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Python's date formats as Celery writes and reads them. */
class CeleryJsonTest {

  @Test
  void isoformatWritesMicrosOnlyWhenNonZeroAndAnOffset() {
    assertThat(CeleryJson.isoformat(Instant.parse("2026-11-24T10:13:23.947820Z")))
        .isEqualTo("2026-11-24T10:13:23.947820+00:00");
    assertThat(CeleryJson.isoformat(Instant.parse("2030-01-01T12:00:00Z")))
        .isEqualTo("2030-01-01T12:00:00+00:00");
    assertThat(CeleryJson.isoformat(Instant.parse("2030-01-01T12:00:00.500Z")))
        .isEqualTo("2030-01-01T12:00:00.500000+00:00");
    assertThat(CeleryJson.isoformat(Instant.parse("2030-01-01T12:00:00.000000999Z")))
        .isEqualTo("2030-01-01T12:00:00+00:00");
  }

  @Test
  void naiveUtcIsDateDoneFormat() {
    assertThat(CeleryJson.naiveUtc(Instant.parse("2026-11-24T10:13:08.951568Z")))
        .isEqualTo("2026-11-24T10:13:08.951568");
    assertThat(CeleryJson.naiveUtc(Instant.parse("2026-11-24T10:13:08Z")))
        .isEqualTo("2026-11-24T10:13:08");
  }

  @Test
  void parseInstantAcceptsOffsetZuluAndNaive() {
    Instant expected = Instant.parse("2026-11-24T10:13:23.947820Z");
    assertThat(CeleryJson.parseInstant("2026-11-24T10:13:23.947820+00:00")).isEqualTo(expected);
    assertThat(CeleryJson.parseInstant("2026-11-24T10:13:23.947820Z")).isEqualTo(expected);
    assertThat(CeleryJson.parseInstant("2026-11-24T10:13:23.947820")).isEqualTo(expected);
    assertThat(CeleryJson.parseInstant("2026-11-24T12:13:23.947820+02:00")).isEqualTo(expected);
    assertThat(CeleryJson.parseInstant(null)).isNull();
    assertThat(CeleryJson.parseInstant("")).isNull();
  }

  @Test
  void isoformatAndParseInstantRoundTrip() {
    Instant instant = Instant.parse("2026-11-24T11:12:53.948952Z");
    assertThat(CeleryJson.parseInstant(CeleryJson.isoformat(instant))).isEqualTo(instant);
    assertThat(CeleryJson.parseInstant(CeleryJson.naiveUtc(instant))).isEqualTo(instant);
  }

  @Test
  void parseInstantNamesBadText() {
    assertThatThrownBy(() -> CeleryJson.parseInstant("tomorrow"))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("'tomorrow'");
  }

  @Test
  void payloadDatesUseZuluAsKombuDoes() {
    assertThat(CeleryJson.write(Instant.parse("2024-01-02T03:04:05Z")))
        .isEqualTo("\"2024-01-02T03:04:05Z\"");
  }
}
