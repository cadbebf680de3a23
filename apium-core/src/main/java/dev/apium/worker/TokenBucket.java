package dev.apium.worker;

import java.util.function.LongSupplier;

/**
 * A token bucket as kombu's {@code TokenBucket}, which Celery uses for per-worker rate limits:
 * {@code capacity} tokens (Celery: 1), refilled continuously at the rate. Time comes from an
 * injected nanosecond source. Used under its owner's lock; not thread-safe by itself.
 */
final class TokenBucket {
  private final double perNano;
  private final double capacity;
  private final LongSupplier nanoTime;
  private double tokens;
  private long last;

  TokenBucket(double perSecond, int capacity, LongSupplier nanoTime) {
    this.perNano = perSecond / 1e9;
    this.capacity = capacity;
    this.nanoTime = nanoTime;
    this.tokens = capacity;
    this.last = nanoTime.getAsLong();
  }

  /** Takes a token and returns 0, or returns the nanoseconds until one is available. */
  long acquire() {
    long now = nanoTime.getAsLong();
    tokens = Math.min(capacity, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / perNano));
  }
}
