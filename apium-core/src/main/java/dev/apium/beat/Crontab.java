package dev.apium.beat;

import com.cronutils.model.time.ExecutionTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * Celery's {@code crontab(minute, hour, day_of_week, day_of_month, month_of_year)}: each field a
 * number, {@code *}, a range ({@code 1-5}), a step ({@code *}{@code /15}, {@code 0-30/10}) or a
 * list of these; {@code day_of_week} counts from 0 = Sunday and takes names ({@code mon-fri}),
 * {@code month_of_year} takes {@code jan}..{@code dec}. As in Celery, a time matches when every
 * field matches (day of month AND day of week, not cron's OR). Parsed and matched by cron-utils.
 *
 * <p>Times are wall-clock times in the schedule's zone (default: the app's {@code timezone}, UTC).
 * Across daylight-saving changes: a time that does not exist (spring forward) fires when the clock
 * jumps, shifted by the gap (02:30 becomes 03:30, as Celery does); a time that occurs twice (fall
 * back) fires once, at its first occurrence, unless the hour field is {@code *}, in which case the
 * schedule follows elapsed time and fires in both passes (as Vixie cron does). Immutable.
 */
public final class Crontab implements Schedule {
  private final CrontabFields fields;
  private final ZoneId zone;
  private final ExecutionTime execution;

  private Crontab(CrontabFields fields, ZoneId zone) {
    this.fields = fields;
    this.zone = zone;
    this.execution = ExecutionTime.forCron(fields.cron());
  }

  /**
   * Parses {@code "minute hour day_of_month month_of_year day_of_week"} (the usual cron order);
   * throws {@link IllegalArgumentException} naming the field, e.g. {@code '61 * * * *' is not a
   * valid crontab: minute 61 out of range 0-59}.
   */
  public static Crontab parse(String expression) {
    return new Crontab(CrontabFields.parse(expression), null);
  }

  /** Celery's keyword form; null fields are {@code *}. */
  public static Crontab of(
      String minute, String hour, String dayOfWeek, String dayOfMonth, String monthOfYear) {
    return new Crontab(CrontabFields.of(minute, hour, dayOfWeek, dayOfMonth, monthOfYear), null);
  }

  /** The same schedule read in {@code zone}. */
  public Crontab in(ZoneId zone) {
    return new Crontab(fields, Objects.requireNonNull(zone, "zone"));
  }

  /** This schedule, or the same in {@code fallback} when it has no zone of its own. */
  Crontab withDefaultZone(ZoneId fallback) {
    return zone != null ? this : in(fallback);
  }

  /** The zone, or empty when it follows the app's {@code timezone}. */
  public Optional<ZoneId> zone() {
    return Optional.ofNullable(zone);
  }

  @Override
  public Optional<Instant> next(Instant after) {
    ZoneId z = zone == null ? ZoneOffset.UTC : zone;
    if (fields.everyHour()) {
      return execution.nextExecution(after.atZone(z)).map(ZonedDateTime::toInstant);
    }
    LocalDateTime cursor = LocalDateTime.ofInstant(after, z);
    for (int i = 0; i < 2000; i++) {
      Optional<ZonedDateTime> wall = execution.nextExecution(cursor.atZone(ZoneOffset.UTC));
      if (wall.isEmpty()) {
        return Optional.empty();
      }
      LocalDateTime local = wall.get().toLocalDateTime();
      Instant at = ZonedDateTime.of(local, z).toInstant();
      if (at.isAfter(after)) {
        return Optional.of(at);
      }
      cursor = local;
    }
    return Optional.empty();
  }

  /** Windows searched back from now by {@link #latest}, small first so the walk stays short. */
  private static final Duration[] WINDOWS = {
    Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(32), Duration.ofDays(400)
  };

  @Override
  public Instant latest(Instant due, Instant now) {
    for (Duration window : WINDOWS) {
      Instant from = now.minus(window);
      Optional<Instant> first = from.isAfter(due) ? next(from.minusNanos(1)) : Optional.of(due);
      if (first.isPresent() && !first.get().isAfter(now)) {
        Instant x = first.get();
        for (Optional<Instant> n = next(x); n.isPresent() && !n.get().isAfter(now); n = next(x)) {
          x = n.get();
        }
        return x;
      }
    }
    return due;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Crontab c && c.fields.equals(fields) && Objects.equals(c.zone, zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(fields, zone);
  }

  @Override
  public String toString() {
    return "<crontab: " + fields + (zone == null ? "" : " " + zone) + ">";
  }
}
