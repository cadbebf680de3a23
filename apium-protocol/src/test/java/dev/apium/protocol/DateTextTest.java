package dev.apium.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written date texts equal Python's {@code isoformat()} as a formatter spells it, for
 * random instants (years 1 to 9999, whole seconds and microseconds) in zones with whole, half-hour
 * and historical second offsets.
 */
class DateTextTest {
  private static final DateTimeFormatter PYTHON =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
  private static final String[] ZONES = {
    "UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam", "Pacific/Chatham"
  };

  @ParameterizedTest
  @ValueSource(longs = {1, 17, 2026, 424242})
  void textsMatchTheFormatter(long seed) {
    Random random = new Random(seed);
    long min = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    long max = LocalDateTime.of(9999, 12, 30, 0, 0).toEpochSecond(ZoneOffset.UTC);
    for (int i = 0; i < 2000; i++) {
      long second =
          i % 3 == 0
              ? 1_700_000_000L + random.nextInt(1 << 30)
              : min + (long) (random.nextDouble() * (max - min));
      int nanos = i % 4 == 0 ? 0 : random.nextInt(1_000_000_000);
      Instant instant = Instant.ofEpochSecond(second, nanos);
      assertThat(CeleryJson.naiveUtc(instant)).isEqualTo(expected(instant, ZoneOffset.UTC, false));
      ZoneId zone = ZoneId.of(ZONES[random.nextInt(ZONES.length)]);
      assertThat(CeleryJson.dateDone(instant, zone)).isEqualTo(expected(instant, zone, true));
    }
  }

  private static String expected(Instant instant, ZoneId zone, boolean withOffset) {
    LocalDateTime local = LocalDateTime.ofInstant(instant, zone).truncatedTo(ChronoUnit.MICROS);
    String text = PYTHON.format(local);
    int micro = local.getNano() / 1000;
    if (micro != 0) {
      text += String.format(".%06d", micro);
    }
    if (withOffset) {
      int seconds = zone.getRules().getOffset(instant).getTotalSeconds();
      int abs = Math.abs(seconds);
      text += String.format("%s%02d:%02d", seconds < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
      if (abs % 60 != 0) {
        text += String.format(":%02d", abs % 60);
      }
    }
    return text;
  }
}
