package dev.apium.worker;

import dev.apium.TaskOptions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The delay of an automatic retry, as Celery's {@code get_exponential_backoff_interval}: {@code
 * min(max, base * 2^retries)}, or with full jitter a uniformly random delay between 0 and that.
 * Without a backoff base the task's {@code defaultRetryDelay} applies. Stateless; pool threads.
 */
final class Backoff {
  private Backoff() {}

  /** The countdown of retry number {@code retries + 1}; null when the task uses no backoff. */
  static Duration delay(TaskOptions options, int retries) {
    return delay(options, retries, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
  }

  /** As {@link #delay(TaskOptions, int)} with the random source given (tests). */
  static Duration delay(TaskOptions options, int retries, LongUnaryOperator randomUpTo) {
    Duration base = options.retryBackoff();
    if (base == null) {
      return null;
    }
    long max = options.retryBackoffMax().toMillis();
    long millis = base.toMillis();
    for (int i = 0; i < retries && millis < max; i++) {
      millis *= 2;
    }
    millis = Math.min(max, millis);
    if (options.retryJitter()) {
      millis = randomUpTo.applyAsLong(millis);
    }
    return Duration.ofMillis(Math.max(0, millis));
  }
}
