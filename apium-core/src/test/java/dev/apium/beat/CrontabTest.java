package dev.apium.beat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrontabTest {

  @ParameterizedTest(name = "{0} in {1} after {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # spring forward, Paris (02:00 CET -> 03:00 CEST on 2026-03-29): a missing time fires shifted by the gap
          30 2 * * *      | Europe/Paris     | 2026-03-28T12:00+01:00 | 2026-03-29T03:30+02:00
          0 2 * * *       | Europe/Paris     | 2026-03-28T12:00+01:00 | 2026-03-29T03:00+02:00
          30 2 * * *      | Europe/Paris     | 2026-03-29T03:30+02:00 | 2026-03-30T02:30+02:00
          30 * * * *      | Europe/Paris     | 2026-03-29T01:30+01:00 | 2026-03-29T03:30+02:00
          # fall back, Paris (03:00 CEST -> 02:00 CET on 2026-10-25): a repeated time fires once, first time
          30 2 * * *      | Europe/Paris     | 2026-10-24T12:00+02:00 | 2026-10-25T02:30+02:00
          30 2 * * *      | Europe/Paris     | 2026-10-25T02:30+02:00 | 2026-10-26T02:30+01:00
          0 3 * * *       | Europe/Paris     | 2026-10-24T12:00+02:00 | 2026-10-25T03:00+01:00
          # ... unless the hour is *: then elapsed time, both passes
          */30 * * * *    | Europe/Paris     | 2026-10-25T02:30+02:00 | 2026-10-25T02:00+01:00
          # spring forward, New York (02:00 EST -> 03:00 EDT on 2026-03-08)
          0 2 * * *       | America/New_York | 2026-03-07T12:00-05:00 | 2026-03-08T03:00-04:00
          0 * * * *       | America/New_York | 2026-03-08T01:00-05:00 | 2026-03-08T03:00-04:00
          */30 * * * *    | America/New_York | 2026-03-08T01:30-05:00 | 2026-03-08T03:00-04:00
          0 9 * * mon-fri | America/New_York | 2026-03-06T10:00-05:00 | 2026-03-09T09:00-04:00
          # fall back, New York (02:00 EDT -> 01:00 EST on 2026-11-01)
          30 1 * * *      | America/New_York | 2026-10-31T12:00-04:00 | 2026-11-01T01:30-04:00
          30 1 * * *      | America/New_York | 2026-11-01T01:30-04:00 | 2026-11-02T01:30-05:00
          */30 * * * *    | America/New_York | 2026-11-01T01:30-04:00 | 2026-11-01T01:00-05:00
          */30 * * * *    | America/New_York | 2026-11-01T01:30-05:00 | 2026-11-01T02:00-05:00
          # month ends and leap days
          0 0 31 * *      | UTC              | 2026-01-31T00:00Z      | 2026-03-31T00:00Z
          0 0 31 * *      | UTC              | 2026-03-31T00:00Z      | 2026-05-31T00:00Z
          0 0 31 12 *     | UTC              | 2026-12-31T00:00Z      | 2027-12-31T00:00Z
          0 12 29 2 *     | UTC              | 2026-01-01T00:00Z      | 2028-02-29T12:00Z
          0 12 29 2 *     | Europe/Paris     | 2028-02-29T12:00+01:00 | 2032-02-29T12:00+01:00
          0 0 28-31 2 *   | UTC              | 2027-02-28T00:00Z      | 2028-02-28T00:00Z
          0 0 28-31 2 *   | UTC              | 2028-02-28T00:00Z      | 2028-02-29T00:00Z
          45 23 30 * *    | America/New_York | 2027-01-30T23:45-05:00 | 2027-03-30T23:45-04:00
          # Celery's fields: both day fields must match, Sunday is 0, names, steps and lists
          0 9 13 * fri    | UTC              | 2026-01-01T00:00Z      | 2026-02-13T09:00Z
          0 0 * * 0       | UTC              | 2026-11-24T00:00Z      | 2026-11-29T00:00Z
          0 0 * * sun     | UTC              | 2026-11-24T00:00Z      | 2026-11-29T00:00Z
          */15 9-17 * * 1-5 | UTC            | 2026-11-27T17:50Z      | 2026-11-30T09:00Z
          0 0 1 jan,jul * | UTC              | 2026-02-01T00:00Z      | 2026-07-01T00:00Z
          5,35 */6 * * *  | UTC              | 2026-11-24T06:35Z      | 2026-11-24T12:05Z
          """)
  void nextFireTime(String expression, String zone, String after, String expected) {
    Crontab crontab = Crontab.parse(expression).in(ZoneId.of(zone));
    Instant from = OffsetDateTime.parse(after).toInstant();
    assertThat(crontab.next(from)).contains(OffsetDateTime.parse(expected).toInstant());
  }

  @Test
  void celeryKeywordFormMatchesTheFiveFieldForm() {
    Crontab celery = Crontab.of("*/15", "9-17", "mon-fri", null, null);
    assertThat(celery).isEqualTo(Crontab.parse("*/15 9-17 * * 1-5"));
    assertThat(Crontab.of("0", "0", "saturday,sun", null, null))
        .isEqualTo(Crontab.parse("0 0 * * 6,0"));
  }

  @Test
  void errorsNameTheField() {
    assertThatThrownBy(() -> Crontab.parse("61 * * * *"))
        .hasMessage("'61 * * * *' is not a valid crontab: minute 61 out of range 0-59");
    assertThatThrownBy(() -> Crontab.parse("0 24 * * *"))
        .hasMessage("'0 24 * * *' is not a valid crontab: hour 24 out of range 0-23");
    assertThatThrownBy(() -> Crontab.parse("0 0 0 * *"))
        .hasMessageContaining("day_of_month 0 out of range 1-31");
    assertThatThrownBy(() -> Crontab.parse("0 0 * * fxi"))
        .hasMessageContaining("day_of_week 'fxi' is not a day name (sun..sat)");
    assertThatThrownBy(() -> Crontab.parse("0 0 * *"))
        .hasMessageContaining("it has 4 field(s), expected 5");
    assertThatThrownBy(() -> Crontab.of("a-b", null, null, null, null))
        .hasMessageContaining("minute 'a-b'");
  }

  @Test
  void latestCollapsesMissedRunsToTheLastOne() {
    Crontab everyMinute = Crontab.parse("* * * * *").in(ZoneId.of("UTC"));
    Instant due = Instant.parse("2026-11-24T10:00:00Z");
    assertThat(everyMinute.latest(due, Instant.parse("2026-11-24T13:07:30Z")))
        .isEqualTo(Instant.parse("2026-11-24T13:07:00Z"));
    Crontab monthly = Crontab.parse("0 0 1 * *").in(ZoneId.of("UTC"));
    assertThat(
            monthly.latest(
                Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-11-24T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    Interval tenSeconds = Schedule.every(java.time.Duration.ofSeconds(10));
    assertThat(
            tenSeconds.latest(
                Instant.parse("2026-11-24T00:00:10Z"), Instant.parse("2026-11-24T00:01:05Z")))
        .isEqualTo(Instant.parse("2026-11-24T00:01:00Z"));
  }
}
