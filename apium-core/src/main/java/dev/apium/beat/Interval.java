package dev.apium.beat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A fixed period, Celery's {@code schedule(run_every=timedelta(...))}: fires every {@code period}
 * after the previous fire time (the scheduled one, so the beat does not drift). Immutable.
 */
public record Interval(Duration period) implements Schedule {

  public Interval {
    if (period == null || period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("an interval must be positive, got " + period);
    }
  }

  @Override
  public Optional<Instant> next(Instant after) {
    return Optional.of(after.plus(period));
  }

  @Override
  public Instant latest(Instant due, Instant now) {
    long periods = Duration.between(due, now).toNanos() / period.toNanos();
    return due.plus(period.multipliedBy(periods));
  }

  @Override
  public String toString() {
    return "every " + period.toString().substring(2).toLowerCase();
  }
}
