package dev.apium;

/**
 * An error callback run inside the worker where a task failed, Celery's new-style errback {@code
 * on_error(request, exc, traceback)}: register it under a task name with {@link #register}, then
 * link it with {@code linkError(app.signature(name))}. A worker that has it calls it in-process;
 * any other worker (Python included) sends it as a task with the failed task's id, and then it is
 * called with the errback task's context and the failure read from the result backend.
 */
@FunctionalInterface
public interface ErrorHandler {
  /**
   * @param request the failed task's context (ids, name, args, headers)
   * @param error the failure, with the remote type and message
   * @param traceback the traceback text, or null
   */
  void onError(TaskContext request, TaskFailedException error, String traceback) throws Exception;

  /** Registers {@code handler} as the task {@code taskName}. */
  static void register(Apium app, String taskName, ErrorHandler handler) {
    app.register(taskName, new InProcessErrback(handler));
  }
}
