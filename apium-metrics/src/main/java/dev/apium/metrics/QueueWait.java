package dev.apium.metrics;

import dev.apium.listen.TaskInfo;
import java.time.Instant;

/**
 * What {@code celery_task_queue_wait_time} measures: the seconds from the moment a task could have
 * started to the moment it started. Celery's protocol 2 carries no send time, so the publishing
 * {@link CeleryMetrics} stamps one in the {@value #SENT_AT} header (epoch seconds, as Celery's
 * event timestamps); a message without it (a Python client, an Apium client without metrics) is
 * measured from the time this worker received it, so its wait in the broker queue is not seen. An
 * ETA later than either moves the start of the wait to the ETA. Never negative (clocks of client
 * and worker may differ). Stateless; called on the pool thread at {@code started}.
 */
final class QueueWait {
  /** The message header holding the publish time, epoch seconds with millisecond precision. */
  static final String SENT_AT = "apium_sent_at";

  /** The runtime buckets, then minutes: a queue backlog lasts longer than a task. */
  static final double[] BUCKETS = {
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 30.0, 60.0,
    120.0, 300.0, 600.0
  };

  private QueueWait() {}

  /** The header value for a publish at {@code epochMillis}. */
  static double stamp(long epochMillis) {
    return epochMillis / 1000.0;
  }

  /** The seconds {@code task} waited until {@code nowMillis} (epoch millis). */
  static double seconds(TaskInfo task, long nowMillis) {
    long from = sentMillis(task.headers().get(SENT_AT));
    if (from < 0) {
      from = task.receivedMillis();
    }
    Instant eta = task.message().eta();
    if (eta != null) {
      from = Math.max(from, eta.toEpochMilli());
    }
    return Math.max(0L, nowMillis - from) / 1000.0;
  }

  /** The header's publish time in epoch millis, or -1 when absent or not a number. */
  static long sentMillis(Object header) {
    if (header instanceof Number n) {
      double seconds = n.doubleValue();
      return seconds > 0 && Double.isFinite(seconds) ? Math.round(seconds * 1000) : -1;
    }
    if (header instanceof String s) {
      try {
        return sentMillis(Double.parseDouble(s));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }
}
