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

  RetryRequest(Duration countdown, Instant eta, Throwable cause) {
    super(describe(countdown, eta), cause, false, false);
    this.countdown = countdown;
    this.eta = eta;
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
