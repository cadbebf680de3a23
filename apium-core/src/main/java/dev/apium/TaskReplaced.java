package dev.apium;

/**
 * Thrown by {@link TaskContext#replace}: the task has been replaced by another canvas, which now
 * carries its id, callbacks, chain and chord membership (Celery's {@code Ignore('Replaced by new
 * task')}). The worker stores nothing for the replaced run and just acknowledges it. Control flow,
 * not an error: no stack trace.
 */
public final class TaskReplaced extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TaskReplaced(String taskId, String replacement) {
    super("task " + taskId + " replaced by " + replacement, null, false, false);
  }
}
