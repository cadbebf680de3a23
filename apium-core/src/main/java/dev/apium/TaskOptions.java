package dev.apium;

import java.time.Duration;
import java.util.List;

/**
 * A task type's execution settings, set at registration (from {@link Task} or in code). Immutable;
 * copy-on-write {@code with...} methods. Read by worker threads.
 *
 * @param acksLate acknowledge after the result is stored; null = the app's {@code task_acks_late}
 * @param ignoreResult store no result; null = the app's {@code task_ignore_result}
 * @param maxRetries retries allowed before failing; -1 = unlimited
 * @param defaultRetryDelay delay of a retry that names none
 * @param softTimeLimit interrupt the task after this long; null = none
 * @param timeLimit fail the task after this long; null = none
 * @param rateLimit e.g. {@code 10/s}; null = none
 * @param autoretryFor exception types that retry automatically
 * @param trackStarted store STARTED when the task begins; null = the app's setting
 * @param retryBackoff base of the exponential backoff of automatic retries ({@code base *
 *     2^retries}); null = no backoff, {@code defaultRetryDelay} is used
 * @param retryBackoffMax the longest automatic-retry delay (Celery's 600 s)
 * @param retryJitter pick each backoff delay at random between 0 and its computed value
 * @param rateLimitScope where the rate limit is counted; null = the app's {@code rate_limit_scope}
 * @param expires how long a call stays valid when the caller names no expiry (Celery's task-level
 *     {@code expires}, applied by a client that has the task registered); null = never expires
 */
public record TaskOptions(
    Boolean acksLate,
    Boolean ignoreResult,
    int maxRetries,
    Duration defaultRetryDelay,
    Duration softTimeLimit,
    Duration timeLimit,
    String rateLimit,
    List<Class<? extends Throwable>> autoretryFor,
    Boolean trackStarted,
    Duration retryBackoff,
    Duration retryBackoffMax,
    boolean retryJitter,
    RateLimitScope rateLimitScope,
    Duration expires) {

  static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(600);

  public static final TaskOptions DEFAULTS =
      new TaskOptions(null, null, 3, Duration.ofSeconds(180), null, null, null, List.of(), null);

  public TaskOptions {
    autoretryFor = autoretryFor == null ? List.of() : List.copyOf(autoretryFor);
    defaultRetryDelay = defaultRetryDelay == null ? Duration.ofSeconds(180) : defaultRetryDelay;
    retryBackoffMax = retryBackoffMax == null ? DEFAULT_BACKOFF_MAX : retryBackoffMax;
  }

  /** The settings without a default expiry. */
  public TaskOptions(
      Boolean acksLate,
      Boolean ignoreResult,
      int maxRetries,
      Duration defaultRetryDelay,
      Duration softTimeLimit,
      Duration timeLimit,
      String rateLimit,
      List<Class<? extends Throwable>> autoretryFor,
      Boolean trackStarted,
      Duration retryBackoff,
      Duration retryBackoffMax,
      boolean retryJitter,
      RateLimitScope rateLimitScope) {
    this(
        acksLate,
        ignoreResult,
        maxRetries,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        rateLimit,
        autoretryFor,
        trackStarted,
        retryBackoff,
        retryBackoffMax,
        retryJitter,
        rateLimitScope,
        null);
  }

  /** The settings without backoff (jitter on, as Celery's default) and the app's rate scope. */
  public TaskOptions(
      Boolean acksLate,
      Boolean ignoreResult,
      int maxRetries,
      Duration defaultRetryDelay,
      Duration softTimeLimit,
      Duration timeLimit,
      String rateLimit,
      List<Class<? extends Throwable>> autoretryFor,
      Boolean trackStarted) {
    this(
        acksLate,
        ignoreResult,
        maxRetries,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        rateLimit,
        autoretryFor,
        trackStarted,
        null,
        DEFAULT_BACKOFF_MAX,
        true,
        null);
  }

  static TaskOptions from(Task task) {
    return new TaskOptions(
        task.acksLate() ? Boolean.TRUE : null,
        task.ignoreResult() ? Boolean.TRUE : null,
        task.maxRetries(),
        seconds(task.defaultRetryDelay()),
        task.softTimeLimit() > 0 ? seconds(task.softTimeLimit()) : null,
        task.timeLimit() > 0 ? seconds(task.timeLimit()) : null,
        task.rateLimit().isEmpty() ? null : task.rateLimit(),
        List.of(task.autoretryFor()),
        task.trackStarted() ? Boolean.TRUE : null,
        task.retryBackoff() > 0 ? seconds(task.retryBackoff()) : null,
        seconds(task.retryBackoffMax()),
        task.retryJitter(),
        task.rateLimitScope() == RateLimitScope.CLUSTER ? RateLimitScope.CLUSTER : null,
        task.expires() > 0 ? seconds(task.expires()) : null);
  }

  private static Duration seconds(double value) {
    return Duration.ofMillis(Math.round(value * 1000));
  }

  private Copy copy() {
    return new Copy(this);
  }

  public TaskOptions withAcksLate(boolean value) {
    Copy c = copy();
    c.acksLate = value;
    return c.build();
  }

  public TaskOptions withIgnoreResult(boolean value) {
    Copy c = copy();
    c.ignoreResult = value;
    return c.build();
  }

  public TaskOptions withMaxRetries(int value) {
    Copy c = copy();
    c.maxRetries = value;
    return c.build();
  }

  public TaskOptions withDefaultRetryDelay(Duration value) {
    Copy c = copy();
    c.defaultRetryDelay = value;
    return c.build();
  }

  public TaskOptions withTimeLimits(Duration soft, Duration hard) {
    Copy c = copy();
    c.softTimeLimit = soft;
    c.timeLimit = hard;
    return c.build();
  }

  public TaskOptions withRateLimit(String value) {
    Copy c = copy();
    c.rateLimit = value;
    return c.build();
  }

  /** A rate limit counted in the given scope. */
  public TaskOptions withRateLimit(String value, RateLimitScope scope) {
    Copy c = copy();
    c.rateLimit = value;
    c.rateLimitScope = scope;
    return c.build();
  }

  public TaskOptions withAutoretryFor(List<Class<? extends Throwable>> value) {
    Copy c = copy();
    c.autoretryFor = value;
    return c.build();
  }

  public TaskOptions withTrackStarted(boolean value) {
    Copy c = copy();
    c.trackStarted = value;
    return c.build();
  }

  /**
   * Exponential backoff for automatic retries, as Celery's {@code retry_backoff}: retry {@code n}
   * waits {@code min(max, base * 2^n)}, or with {@code jitter} a random delay up to that.
   */
  public TaskOptions withRetryBackoff(Duration base, Duration max, boolean jitter) {
    Copy c = copy();
    c.retryBackoff = base;
    c.retryBackoffMax = max;
    c.retryJitter = jitter;
    return c.build();
  }

  /**
   * Calls that name no expiry expire this long after they are sent (Celery's task {@code expires}).
   */
  public TaskOptions withExpires(Duration value) {
    if (value != null && (value.isNegative() || value.isZero())) {
      throw new IllegalArgumentException(
          "a task's default expiry must be positive, got "
              + value
              + ": e.g. Duration.ofMinutes(5)");
    }
    Copy c = copy();
    c.expires = value;
    return c.build();
  }

  /** A mutable copy used by the {@code with...} methods. */
  private static final class Copy {
    Boolean acksLate;
    Boolean ignoreResult;
    int maxRetries;
    Duration defaultRetryDelay;
    Duration softTimeLimit;
    Duration timeLimit;
    String rateLimit;
    List<Class<? extends Throwable>> autoretryFor;
    Boolean trackStarted;
    Duration retryBackoff;
    Duration retryBackoffMax;
    boolean retryJitter;
    RateLimitScope rateLimitScope;
    Duration expires;

    Copy(TaskOptions o) {
      acksLate = o.acksLate;
      ignoreResult = o.ignoreResult;
      maxRetries = o.maxRetries;
      defaultRetryDelay = o.defaultRetryDelay;
      softTimeLimit = o.softTimeLimit;
      timeLimit = o.timeLimit;
      rateLimit = o.rateLimit;
      autoretryFor = o.autoretryFor;
      trackStarted = o.trackStarted;
      retryBackoff = o.retryBackoff;
      retryBackoffMax = o.retryBackoffMax;
      retryJitter = o.retryJitter;
      rateLimitScope = o.rateLimitScope;
      expires = o.expires;
    }

    TaskOptions build() {
      return new TaskOptions(
          acksLate,
          ignoreResult,
          maxRetries,
          defaultRetryDelay,
          softTimeLimit,
          timeLimit,
          rateLimit,
          autoretryFor,
          trackStarted,
          retryBackoff,
          retryBackoffMax,
          retryJitter,
          rateLimitScope,
          expires);
    }
  }
}
