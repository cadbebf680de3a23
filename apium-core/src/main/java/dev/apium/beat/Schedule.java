package dev.apium.beat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a beat entry fires: a fixed {@link Interval}, a Celery {@link Crontab}, or a {@link OneOff}
 * time. Pure functions of time, immutable and thread-safe; the beat asks them from its tick thread.
 */
public sealed interface Schedule permits Interval, Crontab, OneOff {

  /**
   * The first fire time strictly after {@code after}; empty when the schedule never fires again.
   */
  Optional<Instant> next(Instant after);

  /**
   * Where a new entry's cursor starts when no last run is stored: {@code now} (the first run is the
   * next fire time after it); a one-off time still to come or just past starts before it.
   */
  default Instant firstCursor(Instant now) {
    return now;
  }

  /**
   * The last fire time that is not after {@code now}, given that {@code due} (a fire time) is not
   * after it either: where a beat that missed several runs catches up to.
   */
  Instant latest(Instant due, Instant now);

  /** Every {@code period}, counted from the previous fire time (Celery's {@code timedelta}). */
  static Interval every(Duration period) {
    return new Interval(period);
  }

  /**
   * A crontab in the usual five-field order, {@code "minute hour day_of_month month_of_year
   * day_of_week"}, with Celery's meaning (see {@link Crontab}).
   */
  static Crontab crontab(String expression) {
    return Crontab.parse(expression);
  }

  /** Once, at {@code at}. */
  static OneOff at(Instant at) {
    return new OneOff(at);
  }
}
