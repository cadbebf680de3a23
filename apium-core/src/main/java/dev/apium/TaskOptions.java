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
    Boolean trackStarted) {

  public static final TaskOptions DEFAULTS =
      new TaskOptions(null, null, 3, Duration.ofSeconds(180), null, null, null, List.of(), null);

  public TaskOptions {
    autoretryFor = autoretryFor == null ? List.of() : List.copyOf(autoretryFor);
    defaultRetryDelay = defaultRetryDelay == null ? Duration.ofSeconds(180) : defaultRetryDelay;
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
        task.trackStarted() ? Boolean.TRUE : null);
  }

  private static Duration seconds(double value) {
    return Duration.ofMillis(Math.round(value * 1000));
  }

  public TaskOptions withAcksLate(boolean value) {
    return new TaskOptions(
        value,
        ignoreResult,
        maxRetries,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        rateLimit,
        autoretryFor,
        trackStarted);
  }

  public TaskOptions withIgnoreResult(boolean value) {
    return new TaskOptions(
        acksLate,
        value,
        maxRetries,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        rateLimit,
        autoretryFor,
        trackStarted);
  }

  public TaskOptions withMaxRetries(int value) {
    return new TaskOptions(
        acksLate,
        ignoreResult,
        value,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        rateLimit,
        autoretryFor,
        trackStarted);
  }

  public TaskOptions withDefaultRetryDelay(Duration value) {
    return new TaskOptions(
        acksLate,
        ignoreResult,
        maxRetries,
        value,
        softTimeLimit,
        timeLimit,
        rateLimit,
        autoretryFor,
        trackStarted);
  }

  public TaskOptions withTimeLimits(Duration soft, Duration hard) {
    return new TaskOptions(
        acksLate,
        ignoreResult,
        maxRetries,
        defaultRetryDelay,
        soft,
        hard,
        rateLimit,
        autoretryFor,
        trackStarted);
  }

  public TaskOptions withRateLimit(String value) {
    return new TaskOptions(
        acksLate,
        ignoreResult,
        maxRetries,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        value,
        autoretryFor,
        trackStarted);
  }

  public TaskOptions withAutoretryFor(List<Class<? extends Throwable>> value) {
    return new TaskOptions(
        acksLate,
        ignoreResult,
        maxRetries,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        rateLimit,
        value,
        trackStarted);
  }

  public TaskOptions withTrackStarted(boolean value) {
    return new TaskOptions(
        acksLate,
        ignoreResult,
        maxRetries,
        defaultRetryDelay,
        softTimeLimit,
        timeLimit,
        rateLimit,
        autoretryFor,
        value);
  }
}
