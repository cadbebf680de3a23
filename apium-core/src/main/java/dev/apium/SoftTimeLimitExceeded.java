package dev.apium;

/**
 * Celery's {@code SoftTimeLimitExceeded}: a task ran past its soft time limit. Java cannot raise an
 * exception inside another thread, so the worker interrupts the task's thread instead: a blocking
 * call then throws {@link InterruptedException}, and CPU-bound code sees {@link
 * Thread#isInterrupted()} or {@link TaskContext#softTimeLimitExceeded()} become true. A task may
 * clean up and return normally (SUCCESS), or throw {@link TaskContext#checkSoftTimeLimit()}'s
 * exception; an {@code InterruptedException} escaping after the soft limit is reported as this
 * exception, so the FAILURE reads {@code celery.exceptions.SoftTimeLimitExceeded} as in Celery.
 */
public final class SoftTimeLimitExceeded extends TaskError {
  private static final long serialVersionUID = 1L;

  public SoftTimeLimitExceeded(String message) {
    super("celery.exceptions", "SoftTimeLimitExceeded", message);
  }
}
