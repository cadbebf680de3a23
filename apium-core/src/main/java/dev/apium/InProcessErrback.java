package dev.apium;

import dev.apium.protocol.ExceptionInfo;
import dev.apium.protocol.ResultMeta;
import dev.apium.protocol.TaskState;

/**
 * The task function behind an {@link ErrorHandler}: the worker sees this type and calls the handler
 * in-process; when the errback arrives as a task instead ({@code args = [failed_task_id]}) it reads
 * the failure from the backend and calls the handler with its own context. Runs on pool threads.
 */
final class InProcessErrback implements TaskFunction {
  final ErrorHandler handler;

  InProcessErrback(ErrorHandler handler) {
    this.handler = handler;
  }

  @Override
  public Object apply(TaskCall call) throws Exception {
    String failedId = call.arg(0, String.class);
    TaskContext context = call.context();
    ResultMeta meta = context.app().backend().get(failedId).orElse(null);
    ExceptionInfo info = meta == null ? null : meta.exception();
    if (info == null) {
      info = ExceptionInfo.of("celery.exceptions", "TaskError", "task " + failedId + " failed");
    }
    String state = meta == null ? TaskState.FAILURE : meta.status();
    String traceback = meta == null ? null : meta.traceback();
    handler.onError(context, new TaskFailedException(failedId, state, info, traceback), traceback);
    return null;
  }
}
