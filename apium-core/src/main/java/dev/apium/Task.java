package dev.apium;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method as a task, registered under a Python-style name by {@link Apium#register(Object)}.
 * Parameters are bound from the message's {@code args} by position, then from {@code kwargs} by
 * name (compile with {@code -parameters}); a parameter of type {@link TaskContext} receives the
 * running task's context. The return value, converted to JSON, is the task's result.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Task {
  /** The task name shared with other languages, e.g. {@code "images.grayscale"}. */
  String value();

  /** Acknowledge after the result is stored instead of when the task starts. */
  boolean acksLate() default false;

  /** Store no result. */
  boolean ignoreResult() default false;

  /** Maximum automatic or explicit retries before the task fails; -1 for unlimited. */
  int maxRetries() default 3;

  /** Seconds before a retry when none is given. */
  double defaultRetryDelay() default 180;

  /** Soft time limit in seconds (0 = none): the task is interrupted and may clean up. */
  double softTimeLimit() default 0;

  /** Hard time limit in seconds (0 = none): the task fails with TimeLimitExceeded. */
  double timeLimit() default 0;

  /** Rate limit such as {@code "10/s"}, {@code "100/m"}, {@code "1000/h"}; empty for none. */
  String rateLimit() default "";

  /** Exceptions that retry the task automatically. */
  Class<? extends Throwable>[] autoretryFor() default {};

  /** Store a STARTED state (with pid and hostname) when the task begins. */
  boolean trackStarted() default false;

  /**
   * Exponential backoff base in seconds for {@link #autoretryFor} retries (Celery's {@code
   * retry_backoff}; {@code 1} = Celery's {@code True}); 0 = none.
   */
  double retryBackoff() default 0;

  /** The longest backoff delay in seconds (Celery's {@code retry_backoff_max}). */
  double retryBackoffMax() default 600;

  /** Randomise backoff delays between 0 and the computed value (Celery's {@code retry_jitter}). */
  boolean retryJitter() default true;

  /**
   * {@code CLUSTER} counts {@link #rateLimit()} once across all workers; the default follows the
   * app's {@code rate_limit_scope} (per worker unless set).
   */
  RateLimitScope rateLimitScope() default RateLimitScope.WORKER;

  /**
   * Seconds a call stays valid when the caller names no expiry (Celery's task-level {@code
   * expires}), applied by clients that have this task registered; 0 = never expires. As in Celery,
   * where only a caller holding the task class applies it ({@code send_task} by name does not), a
   * client that sends the task by a name it has not registered sends no expiry unless {@link
   * CallOptions#expires(java.time.Duration)} names one.
   */
  double expires() default 0;
}
