package dev.apium.beat;

import java.time.Instant;
import java.util.Optional;

/** Fires once, at {@code at} (Celery's {@code clocked} schedule). Immutable. */
public record OneOff(Instant at) implements Schedule {

  public OneOff {
    if (at == null) {
      throw new IllegalArgumentException("a one-off schedule needs a time");
    }
  }

  @Override
  public Optional<Instant> next(Instant after) {
    return at.isAfter(after) ? Optional.of(at) : Optional.empty();
  }

  @Override
  public Instant firstCursor(Instant now) {
    return at.isAfter(now) ? now : at.minusNanos(1);
  }

  @Override
  public Instant latest(Instant due, Instant now) {
    return due;
  }

  @Override
  public String toString() {
    return "once at " + at;
  }
}
