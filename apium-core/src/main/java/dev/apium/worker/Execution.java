package dev.apium.worker;

import dev.apium.SoftTimeLimitExceeded;
import java.time.Duration;
import java.util.concurrent.Future;

/**
 * One running task on one pool thread, and who settles its outcome: the runner thread when the task
 * returns ({@link #finish()}), or another thread that took it over first ({@link #takeOver}: the
 * hard time limit, a {@code revoke --terminate}). Whoever loses discards its outcome, so a task's
 * result is stored once. Also records the soft time limit having fired. Used by the runner thread,
 * the time-limit watchdog and the control mailbox; synchronized.
 */
final class Execution {
  final Request request;
  final Thread thread;
  final Duration soft;
  final Duration hard;

  /** When it started, in epoch milliseconds ({@code time_start} of {@code inspect active}). */
  final long startedMillis = System.currentTimeMillis();

  private boolean finished;
  private String takenOver;
  private boolean softExceeded;
  private Future<?> softTimer;
  private Future<?> hardTimer;

  Execution(Request request, Thread thread, Duration soft, Duration hard) {
    this.request = request;
    this.thread = thread;
    this.soft = soft;
    this.hard = hard;
  }

  synchronized void timers(Future<?> softTimer, Future<?> hardTimer) {
    this.softTimer = softTimer;
    this.hardTimer = hardTimer;
  }

  /**
   * Called by the runner thread once the task returned or threw; true when it still owns the
   * outcome. Clears the thread's interrupt flag so storing the result is not disturbed.
   */
  synchronized boolean finish() {
    if (takenOver != null) {
      return false;
    }
    if (!finished) {
      finished = true;
      cancelTimers();
      Thread.interrupted();
    }
    return true;
  }

  /** Takes the outcome away from the runner thread and interrupts it; false if too late. */
  synchronized boolean takeOver(String reason) {
    if (finished || takenOver != null) {
      return false;
    }
    takenOver = reason;
    cancelTimers();
    thread.interrupt();
    return true;
  }

  /** The soft limit fired: interrupt the task so it can clean up. */
  synchronized void softExpire() {
    if (finished || takenOver != null) {
      return;
    }
    softExceeded = true;
    thread.interrupt();
  }

  synchronized boolean softExceeded() {
    return softExceeded;
  }

  /** An interruption surfacing after the soft limit becomes {@link SoftTimeLimitExceeded}. */
  Throwable translate(Throwable cause) {
    if (softExceeded()
        && (cause instanceof InterruptedException
            || cause instanceof java.nio.channels.ClosedByInterruptException)) {
      SoftTimeLimitExceeded e = softLimitError();
      e.initCause(cause);
      return e;
    }
    return cause;
  }

  SoftTimeLimitExceeded softLimitError() {
    return new SoftTimeLimitExceeded(
        "soft time limit ("
            + (soft == null ? "?" : soft.toMillis() / 1000.0)
            + "s) exceeded by task "
            + request.message.task()
            + "["
            + request.id()
            + "]");
  }

  private void cancelTimers() {
    if (softTimer != null) {
      softTimer.cancel(false);
    }
    if (hardTimer != null) {
      hardTimer.cancel(false);
    }
  }
}
