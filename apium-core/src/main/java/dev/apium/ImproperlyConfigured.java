package dev.apium;

/**
 * Celery's {@code celery.exceptions.ImproperlyConfigured}: thrown by a Java task, it fails the task
 * under that Python name, so a Python caller's {@code except ImproperlyConfigured} catches it; a
 * Java caller recognises it, from whichever worker, with {@link #is(TaskFailedException)}. Apium
 * raises it where Celery does (replacing a task with an empty chain). Immutable.
 */
public class ImproperlyConfigured extends TaskError {
  private static final long serialVersionUID = 1L;

  /** Celery's module for the exception. */
  public static final String MODULE = "celery.exceptions";

  /** Celery's class name for the exception. */
  public static final String TYPE = "ImproperlyConfigured";

  public ImproperlyConfigured(String message) {
    super(MODULE, TYPE, message);
  }

  /** Whether {@code failure} is Celery's {@code ImproperlyConfigured}, raised in Java or Python. */
  public static boolean is(TaskFailedException failure) {
    return failure.isType(MODULE, TYPE);
  }
}
