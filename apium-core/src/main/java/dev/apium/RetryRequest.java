package dev.apium;

import java.time.Duration;
import java.time.Instant;

/**
 * Thrown by a task (made by {@link TaskContext#retry}) to be run again later; Celery's {@code
 * Retry}. The worker re-publishes the message with the same id, {@code retries + 1} and a new ETA,
 * and stores RETRY. Carries no stack trace: it is control flow, not an error.
 */
public final class RetryRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Duration countdown;
  private final transient Instant eta;
  private final Integer maxRetries;

  RetryRequest(Duration countdown, Instant eta, Throwable cause) {
    this(countdown, eta, cause, null);
  }

  private RetryRequest(Duration countdown, Instant eta, Throwable cause, Integer maxRetries) {
    super(describe(countdown, eta), cause, false, false);
    this.countdown = countdown;
    this.eta = eta;
    this.maxRetries = maxRetries;
  }

  /**
   * This retry with its own limit (Celery's {@code retry(max_retries=...)}), over the task's {@code
   * maxRetries}: {@code throw context.retry(Duration.ofSeconds(1)).withMaxRetries(5);}. -1 means no
   * limit.
   */
  public RetryRequest withMaxRetries(int max) {
    if (max < -1) {
      throw new IllegalArgumentException(
          "max retries must be -1 (no limit) or more, got " + max + ": e.g. withMaxRetries(5)");
    }
    return new RetryRequest(countdown, eta, getCause(), max);
  }

  /** The limit this retry asked for, or null for the task's own. */
  public Integer maxRetries() {
    return maxRetries;
  }

  private static String describe(Duration countdown, Instant eta) {
    if (eta != null) {
      return "Retry at " + eta;
    }
    return countdown == null ? "Retry" : "Retry in " + countdown.toMillis() / 1000.0 + "s";
  }

  /** The delay requested, or null for the task's default (or when {@link #eta()} is set). */
  public Duration countdown() {
    return countdown;
  }

  public Instant eta() {
    return eta;
  }
}
